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

    @task(1)
    def health(self):
        self.client.get("/api/health", name="health (baseline)")
