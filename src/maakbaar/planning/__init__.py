"""The planning engine: plain data in (a PlanningProblem), plain data out (a Plan). No database, no web.

- ``problem``: the validated problem (machines, operators, jobs and operations in integer minutes)
- ``dispatch``: priority-rule plans in well under a second (also the warm start)
- ``cpsat``: improvement with OR-Tools CP-SAT through PyJobShop
- ``checker``: an independent plan checker listing every violation
- ``engine``: ``solve()`` runs the lot within a time limit and reports progress
"""
