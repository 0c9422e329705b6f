// The planning board: machines as rows, operations as bars (vis-timeline). Dragging an operation to another
// time or eligible machine pins it there; the server checks the whole plan and names the conflicts.
(function () {
  const element = document.getElementById("board");
  if (!element || typeof vis === "undefined") {
    if (element) element.textContent = "vis-timeline is not installed: run ./start.sh";
    return;
  }
  const words = window.MAAKBAAR_WORDS || {};
  const editable = element.dataset.editable === "true";
  const conflicts = document.getElementById("conflicts");
  const detail = document.getElementById("board-detail");
  const items = new vis.DataSet();
  const groups = new vis.DataSet();
  let timeline = null;

  function showConflicts(result) {
    conflicts.hidden = false;
    conflicts.className = "conflicts " + (result.conflict_count ? "bad" : "ok");
    const list = (result.conflicts || []).map(c => "<li>" + c.replace(/</g, "&lt;") + "</li>").join("");
    conflicts.innerHTML = "<strong>" + (words.moved || "Moved") + " " + result.operation + " → " + result.machine + " " +
      (result.start_text || result.start.replace("T", " ")) + "</strong>. " + (result.conflict_count ? (words.conflicts || "Conflicts") +
      " (" + result.conflict_count + "):<ul>" + list + "</ul>" : (words.no_conflicts || "No conflicts.")) +
      ' <button class="primary" id="replan-after-move">' + (words.replan_now || "Replan now") + "</button>";
    document.getElementById("replan-after-move").onclick = () => document.getElementById("replan").click();
  }

  // A button in the detail panel that releases pins (one operation, or all of an order) and reloads the board.
  function unpinButton(id, label, url) {
    const button = document.createElement("button");
    button.id = id; button.textContent = label;
    button.onclick = async () => {
      try {
        const result = await maakbaar.api("POST", url, {});
        conflicts.hidden = false; conflicts.className = "conflicts ok";
        conflicts.textContent = (words.unpinned || "Unpinned: {ops}.").replace("{ops}", result.unpinned.join(", ") || "-");
        detail.hidden = true;
        await load();
      } catch (error) { conflicts.hidden = false; conflicts.className = "conflicts bad"; conflicts.textContent = error.message; }
    };
    return button;
  }

  // The board opens at midnight of the first day, so that day has its label on the axis (vis-timeline labels
  // a day at its start), or two hours before the first operation when that is more than eight hours later.
  function windowStart(first) {
    const start = new Date(first.getTime() - 2 * 3600000);
    const midnight = new Date(start); midnight.setHours(0, 0, 0, 0);
    return first.getTime() - midnight.getTime() <= 8 * 3600000 ? midnight : start;
  }

  async function load() {
    const data = await maakbaar.api("GET", "/api/plans/current/board?days=21");
    groups.clear(); groups.add(data.groups);
    items.clear(); items.add(data.items.map(i => Object.assign({}, i, {editable: editable && i.type !== "background" && i.editable !== false})));
    if (!timeline) {
      const start = windowStart(new Date(data.first));
      timeline = new vis.Timeline(element, items, groups, {
        start: start, end: new Date(start.getTime() + 3 * 86400000), stack: false, orientation: "top",
        onInitialDrawComplete: () => { element.dataset.loaded = "true"; },
        itemsAlwaysDraggable: {item: true, range: true}, zoomMin: 3600000, zoomMax: 30 * 86400000, editable: editable ? {updateTime: true, updateGroup: true, remove: false} : false,
        snap: (date) => { const d = new Date(date); d.setMinutes(Math.round(d.getMinutes() / 15) * 15, 0, 0); return d; },
        tooltip: {followMouse: true, overflowMethod: "cap"}, groupHeightMode: "fixed", margin: {item: 2},
        onMove: async (item, callback) => {
          try {
            const start = new Date(item.start);
            const pad = n => String(n).padStart(2, "0");
            const local = start.getFullYear() + "-" + pad(start.getMonth() + 1) + "-" + pad(start.getDate()) + "T" + pad(start.getHours()) + ":" + pad(start.getMinutes());
            const result = await maakbaar.api("POST", "/api/plans/current/operations/" + encodeURIComponent(item.id) + "/move", {machine: item.group, start: local});
            callback(item);
            showConflicts(result);
            element.dataset.lastMove = JSON.stringify(result);
            await load();
          } catch (error) {
            callback(null);
            conflicts.hidden = false; conflicts.className = "conflicts bad"; conflicts.textContent = error.message;
          }
        },
      });
      timeline.on("select", (props) => {
        const item = props.items.length ? items.get(props.items[0]) : null;
        if (!item || !item.title) { detail.hidden = true; return; }
        detail.hidden = false;
        detail.innerHTML = item.title + (item.order ? ' <a href="/orders/' + encodeURIComponent(item.order) + '">→</a>' : "");
        if (item.pinned && editable) {
          detail.append(" ", unpinButton("unpin", words.unpin || "Unpin",
                                         "/api/plans/current/operations/" + encodeURIComponent(item.id) + "/unpin"),
                        " ", unpinButton("unpin-order", words.unpin_order || "Unpin all of this order",
                                         "/api/orders/" + encodeURIComponent(item.order) + "/unpin"));
        }
      });
    }
    window.maakbaarBoard = {timeline, items, groups, windowStart};  // for tests and for the curious
    element.dataset.refreshed = String(Date.now());
    element.dataset.items = String(data.items.filter(i => i.type !== "background" && !String(i.id).startsWith("setup:")).length);
  }

  document.querySelectorAll("[data-zoom]").forEach(button => button.addEventListener("click", () => {
    if (!timeline) return;
    const window_ = timeline.getWindow();
    timeline.setWindow(window_.start, new Date(window_.start.getTime() + Number(button.dataset.zoom) * 86400000));
  }));

  const downForm = document.getElementById("down-form");
  if (downForm) downForm.addEventListener("submit", async (event) => {
    if (event.submitter && event.submitter.value === "cancel") return;
    event.preventDefault();
    const form = new FormData(downForm);
    try {
      const result = await maakbaar.api("POST", "/api/machines/" + encodeURIComponent(form.get("machine")) + "/downtimes",
        {start: form.get("start"), end: form.get("end"), reason: form.get("reason")});
      document.getElementById("down-dialog").close();
      conflicts.hidden = false; conflicts.className = "conflicts bad";
      const hit = result.affected_operations.length;
      conflicts.textContent = ((hit === 1 ? words.hit_one : words.hit_many) || "{machine}: {n} operations hit.")
        .replace("{machine}", form.get("machine")).replace("{n}", hit);
      await load();
      document.getElementById("replan").click();
    } catch (error) { alert(error.message); }
  });

  document.body.addEventListener("htmx:afterSwap", (event) => {
    const job = event.target.querySelector ? event.target.querySelector(".job") : null;
    const done = (event.target.dataset && event.target.dataset.status === "done") || (job && job.dataset.status === "done");
    if (done) {
      load();
      // the line above the board names the new plan (its time, late orders, pins it had to release)
      if (window.htmx) htmx.ajax("GET", "/planning/meta", {target: "#plan-meta", swap: "outerHTML"});
    }
  });
  load().catch(error => { element.textContent = error.message; });
})();
