// The check-in desk: camera scan (BarcodeDetector, else the vendored jsQR), search, walk-ins,
// and an offline queue. The day's roster is kept in localStorage so that the desk can tell a
// genuine pass and show the person and their meetings without the network; every check-in
// carries a client key, so a queued one sent twice still lands once on the server.
(function () {
  "use strict";
  const root = document.getElementById("desk");
  if (!root) return;
  const eventId = root.dataset.event;
  const base = root.dataset.base;
  const text = (name) => root.dataset["text" + name] || "";
  const csrf = () => (root.querySelector("input[name=csrftoken]") || {}).value || "";
  const rosterKey = "mm-desk-roster-" + eventId;
  const queueKey = "mm-desk-queue-" + eventId;
  const deskKey = "mm-desk-name";
  const $ = (id) => document.getElementById(id);

  let roster = load(rosterKey, { attendees: [] });
  let queue = load(queueKey, []);
  let syncing = false;

  function load(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function save(key, value) { localStorage.setItem(key, JSON.stringify(value)); }

  function clientKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function deskName() { return $("desk-name").value.trim(); }
  function clock(date) {
    return date.toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit", hour12: false,
                                              timeZone: "Asia/Shanghai" });
  }
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "text") node.textContent = v; else if (k === "class") node.className = v; else node.setAttribute(k, v);
    });
    (children || []).forEach((child) => child && node.appendChild(child));
    return node;
  }

  // -- status -----------------------------------------------------------------------------
  function showStatus() {
    const online = navigator.onLine;
    const badge = $("desk-online");
    badge.textContent = online ? text("Online") : text("Offline");
    badge.className = "badge " + (online ? "state-approved" : "state-pending");
    $("desk-roster").textContent = `${text("Roster")} ${roster.attendees.length}`;
    $("desk-queue-count").textContent = String(queue.length);
    const list = $("desk-queue");
    list.replaceChildren(...queue.map((item) => el("li", {
      text: `${item.at_text} ${item.label}${item.person ? "（" + item.person + "）" : ""}`,
    })));
  }

  async function fetchRoster() {
    if (!navigator.onLine) return;
    try {
      const answer = await fetch(base + "/roster.json", { credentials: "same-origin" });
      if (!answer.ok) return;
      roster = await answer.json();
      // Check-ins still waiting in the queue stay visible as arrivals.
      queue.forEach(markArrivalLocally);
      save(rosterKey, roster);
    } catch (e) { /* offline: keep the copy we have */ }
    showStatus();
  }

  // -- result panel ----------------------------------------------------------------------
  function showResult(kind, message, attendee, person) {
    const box = $("checkin-result");
    const parts = [el("p", { class: "desk-message desk-" + kind, text: message, "data-kind": kind })];
    if (attendee) {
      parts.push(el("h3", { class: "desk-org", text: attendee.name }));
      const who = person || attendee.person;
      if (who) parts.push(el("p", { class: "desk-person", text: who }));
      if (attendee.note) parts.push(el("p", { class: "badge state-pending", text: attendee.note }));
      if (attendee.meetings.length) {
        parts.push(el("ul", { class: "plain desk-meetings" }, attendee.meetings.map((m) => el("li", {},
          [el("strong", { text: `${m.start}–${m.end}` }), el("span", { class: "table-label", text: ` ${m.table || "—"} ` }),
           el("span", { text: m.counterpart })]))));
      } else {
        parts.push(el("p", { class: "muted", text: text("NoMeetings") }));
      }
    }
    box.replaceChildren(...parts);
  }

  function byToken(token) { return roster.attendees.find((a) => a.token === token); }
  function byId(id) { return roster.attendees.find((a) => a.id === id); }

  function markArrivalLocally(item) {
    const attendee = item.token ? byToken(item.token) : byId(item.organization_id);
    if (!attendee) return;
    const person = item.person || attendee.person;
    if (!attendee.arrivals.some((a) => a.person === person)) {
      attendee.arrivals.push({ person, at: item.at_text, desk: item.desk, queued: true });
    }
  }

  function replaceAttendee(attendee) {
    const index = roster.attendees.findIndex((a) => a.id === attendee.id);
    if (index >= 0) roster.attendees[index] = attendee; else roster.attendees.push(attendee);
    save(rosterKey, roster);
    showStatus();
  }

  // -- checking in -------------------------------------------------------------------------
  async function post(path, body) {
    return fetch(base + path, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "content-type": "application/json", "x-csrftoken": csrf() },
    });
  }

  function offlineCheckIn(item) {
    const attendee = item.token ? byToken(item.token) : byId(item.organization_id);
    if (item.token && !attendee && roster.attendees.length) {
      showResult("refused", text("InvalidOffline"));
      return;
    }
    const person = item.person || (attendee ? attendee.person : "");
    const earlier = attendee && attendee.arrivals.find((a) => a.person === person);
    if (earlier) {
      const who = [earlier.person, earlier.desk].filter(Boolean).join("，");
      showResult("already", `${text("Checked")} ${earlier.at}${who ? "（" + who + "）" : ""}`, attendee, person);
      return;
    }
    queue.push({ ...item, label: attendee ? attendee.name : item.token.slice(0, 12), person });
    save(queueKey, queue);
    markArrivalLocally(item);
    save(rosterKey, roster);
    showResult("queued", text("Queued"), attendee, person);
    showStatus();
  }

  async function checkIn(fields) {
    const now = new Date();
    const item = { ...fields, desk: deskName(), client_key: clientKey(), scanned_at: now.toISOString(),
                   at_text: clock(now) };
    if (!navigator.onLine) { offlineCheckIn(item); return; }
    let answer;
    try {
      answer = await post("/scan", item);
    } catch (e) {
      offlineCheckIn(item);  // the network dropped under us: the key makes a later resend safe
      return;
    }
    const body = await answer.json().catch(() => ({ ok: false, message: String(answer.status) }));
    if (body.ok) {
      replaceAttendee(body.attendee);
      showResult(body.created ? "ok" : "already", body.message, body.attendee, fields.person);
    } else {
      showResult("refused", body.message);
    }
  }

  async function syncQueue() {
    if (syncing || !queue.length || !navigator.onLine) { showStatus(); return; }
    syncing = true;
    const batch = queue.slice(0, 200);
    try {
      const answer = await post("/sync", { items: batch });
      if (answer.ok) {
        const body = await answer.json();
        // Every item of the batch got its answer (landed, already there, or refused): none stays queued.
        const done = new Set(batch.map((item) => item.client_key));
        body.results.forEach((result, i) => {
          if (!result.ok) {
            $("desk-refused").appendChild(el("li", { class: "error",
              text: `${text("Refused")}：${batch[i].label} — ${result.message}` }));
          } else {
            replaceAttendee(result.attendee);
          }
        });
        queue = queue.filter((item) => !done.has(item.client_key));
        save(queueKey, queue);
        if (!queue.length) fetchRoster();
      }
    } catch (e) { /* still offline: try again later */ }
    syncing = false;
    showStatus();
  }

  // -- camera ------------------------------------------------------------------------------
  // A pass held in front of the camera is read once: it is read again only after it has been
  // out of sight for a moment (shown a second time on purpose).
  let lastText = "";
  let lastSeen = 0;
  function onDecoded(value) {
    const now = Date.now();
    const same = value === lastText && now - lastSeen < 2000;
    lastSeen = now;
    if (!value || same) return;
    lastText = value;
    checkIn({ token: value });
  }

  async function startCamera() {
    const video = $("desk-video");
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (e) {
      showResult("refused", text("NoCamera"));
      return;
    }
    video.srcObject = stream;
    video.classList.add("live");
    await video.play();
    $("desk-camera").hidden = true;
    const detector = ("BarcodeDetector" in window) ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    const canvas = $("desk-canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    async function tick() {
      if (video.readyState >= 2 && video.videoWidth) {
        try {
          if (detector) {
            const codes = await detector.detect(video);
            if (codes.length) onDecoded(codes[0].rawValue);
          } else if (window.jsQR) {
            canvas.width = video.videoWidth;
            canvas.height = video.videoHeight;
            context.drawImage(video, 0, 0);
            const image = context.getImageData(0, 0, canvas.width, canvas.height);
            const code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
            if (code) onDecoded(code.data);
          }
        } catch (e) { /* a frame that cannot be read: take the next one */ }
      }
      setTimeout(tick, 200);
    }
    tick();
  }

  // -- search ------------------------------------------------------------------------------
  function localMatches(query) {
    const q = query.trim().toLowerCase();
    const digits = q.replace(/[\s-]/g, "");
    if (!q) return [];
    return roster.attendees.filter((a) => a.name.toLowerCase().includes(q)
      || (q.length >= 6 && a.uscc && a.uscc.includes(q.toUpperCase()))
      || a.people.some((p) => p.name.toLowerCase().includes(q)
        || (/^\d{4,}$/.test(digits) && p.phone.replace(/\D/g, "").includes(digits)))).slice(0, 20);
  }

  function renderResults(attendees) {
    const list = $("desk-search-results");
    if (!attendees.length) { list.replaceChildren(el("li", { class: "muted", text: text("None") })); return; }
    list.replaceChildren(...attendees.map((a) => {
      const people = a.people.length ? a.people : [{ name: "", title: "", phone: "" }];
      return el("li", { class: "desk-hit" }, [
        el("strong", { text: a.name }), el("span", { class: "muted", text: a.uscc ? ` ${a.uscc}` : "" }),
        el("div", { class: "desk-people" }, people.map((p) => {
          const arrived = a.arrivals.find((x) => x.person === p.name);
          const button = el("button", { type: "button", class: "button small" + (arrived ? " secondary" : ""),
            text: `${arrived ? text("Checked") : text("Checkin")} ${p.name}${p.title ? "（" + p.title + "）" : ""}` });
          button.addEventListener("click", () => checkIn({ organization_id: a.id, person: p.name, phone: p.phone }));
          return button;
        })),
      ]);
    }));
  }

  async function search(event) {
    event.preventDefault();
    const query = $("desk-query").value;
    if (navigator.onLine) {
      try {
        const answer = await fetch(base + "/search?q=" + encodeURIComponent(query), { credentials: "same-origin" });
        if (answer.ok) { renderResults((await answer.json()).attendees); return; }
      } catch (e) { /* fall back to the roster */ }
    }
    renderResults(localMatches(query));
  }

  // -- walk-ins ----------------------------------------------------------------------------
  let lookupTimer = null;
  function lookup() {
    clearTimeout(lookupTimer);
    lookupTimer = setTimeout(async () => {
      const q = $("walkin-lookup").value.trim();
      const list = $("walkin-matches");
      if (q.length < 2 || !navigator.onLine) { list.replaceChildren(); return; }
      try {
        const answer = await fetch(base + "/registry?q=" + encodeURIComponent(q), { credentials: "same-origin" });
        const body = await answer.json();
        list.replaceChildren(...body.organizations.map((o) => {
          const button = el("button", { type: "button", class: "link-button", text: `${o.name} ${o.uscc}` });
          button.addEventListener("click", () => {
            $("walkin-organization").value = String(o.id);
            $("walkin-chosen").textContent = `${o.name} ${o.uscc}`;
            $("walkin-chosen").hidden = false;
            list.replaceChildren();
          });
          return el("li", {}, [button]);
        }));
      } catch (e) { list.replaceChildren(); }
    }, 250);
  }

  async function walkIn(event) {
    event.preventDefault();
    const form = $("desk-walkin-form");
    form.querySelectorAll("p.error").forEach((p) => { p.textContent = ""; });
    if (!navigator.onLine) { showResult("refused", text("WalkinOffline")); return; }
    const fields = Object.fromEntries(new FormData(form).entries());
    const body = { ...fields, desk: deskName(), client_key: clientKey() };
    try {
      const answer = await post("/walk-in", body);
      const result = await answer.json();
      if (result.ok) {
        replaceAttendee(result.attendee);
        showResult("ok", result.message, result.attendee, fields.person);
        form.reset();
        $("walkin-organization").value = "";
        $("walkin-chosen").hidden = true;
      } else {
        Object.entries(result.problems || {}).forEach(([name, message]) => {
          const slot = form.querySelector(`p.error[data-for="${name}"]`) || form.querySelector('p.error[data-for="organization_id"]');
          slot.textContent = message;
        });
        if (!result.problems) showResult("refused", result.message);
      }
    } catch (e) { showResult("refused", text("WalkinOffline")); }
  }

  // -- wiring ------------------------------------------------------------------------------
  $("desk-name").value = localStorage.getItem(deskKey) || $("desk-name").value;
  $("desk-name").addEventListener("change", () => localStorage.setItem(deskKey, deskName()));
  $("desk-camera").addEventListener("click", startCamera);
  $("desk-sync").addEventListener("click", syncQueue);
  $("desk-search-form").addEventListener("submit", search);
  $("walkin-lookup").addEventListener("input", lookup);
  $("desk-walkin-form").addEventListener("submit", walkIn);
  window.addEventListener("online", () => { showStatus(); syncQueue(); });
  window.addEventListener("offline", showStatus);
  setInterval(syncQueue, 10000);
  showStatus();
  fetchRoster().then(syncQueue);
  if (new URLSearchParams(location.search).get("camera") === "1") startCamera();
})();
