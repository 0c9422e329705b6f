// maakbaar: small helpers shared by the pages (no framework; HTMX does the rest).
window.maakbaar = {
  csrf() { return document.querySelector('meta[name="csrf-token"]').content; },
  async api(method, url, body) {
    const response = await fetch(url, {
      method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": this.csrf()},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      const detail = data && data.detail;
      const text = Array.isArray(detail) ? detail.map(d => (d.loc || []).join(".") + " " + d.msg).join("; ") : (detail || response.statusText);
      throw new Error(text);
    }
    return data;
  },
};
