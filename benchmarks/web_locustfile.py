"""Locust users for the web latency benchmark: each logs in once, then asks for the pages the office keeps open."""

from locust import HttpUser, between, task


class OfficeUser(HttpUser):
    wait_time = between(0.05, 0.2)

    def on_start(self):
        response = self.client.post("/api/login", json={"username": "planner", "password": "maakbaar-demo"},
                                    name="login")
        response.raise_for_status()

    @task(3)
    def board(self):
        self.client.get("/api/plans/current/board?days=14", name="planning board data")

    @task(3)
    def orders(self):
        self.client.get("/orders", name="order list (page)")

    @task(2)
    def orders_api(self):
        self.client.get("/api/orders-overview", name="order list (API)")

    @task(3)
    def dashboard(self):
        self.client.get("/dashboard", name="dashboard (page)")

    @task(3)  # as often as each page: the baseline's p95 rests on as many samples as theirs
    def health(self):
        self.client.get("/api/health", name="health (baseline)")


class OfficeWriter(HttpUser):
    """Someone changing data every two seconds (a customer's phone number): every change makes the cached
    pages stale, so the readers keep paying for fresh pages."""

    fixed_count = 1
    wait_time = between(1.8, 2.2)

    def on_start(self):
        response = self.client.post("/api/login", json={"username": "planner", "password": "maakbaar-demo"},
                                    name="login")
        response.raise_for_status()
        self.client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        self.counter = 0

    @task
    def change(self):
        customer = self.client.get("/api/customers/K1001", name="change (read)").json()
        self.counter += 1
        customer["phone"] = f"0{self.counter:09d}"
        version = customer.pop("version")
        self.client.put("/api/customers/K1001", json=customer, headers={"If-Match": str(version)},
                        name="change (write)")
