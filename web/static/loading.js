// Loading screen of an app page (sitegen/convert.py adds it to every converted page).
//
// * Starts the Pyodide worker first thing in <head> (pgStartWorker), so Python boots while
//   the browser is still loading BokehJS; panel's page script then takes that worker
//   (pgWorker) and gets the messages it missed in order.
// * Shows what the worker is doing (worker_boot.js posts {type: "pg-progress"}) with a
//   progress bar, and any start-up error with a hint, on the page.
// * Records the time of every phase in window.pgLoading (browser tests, docs/site.md).
// * Once the app is interactive, registers the service worker and asks it to keep every
//   file this page used, so the page also works when the server cannot be reached (sw.js).
(function () {
  "use strict";
  const STEPS = [
    ["page", "Loading the page"],
    ["runtime", "Downloading the Python runtime"],
    ["packages", "Loading packages"],
    ["install", "Installing wheels"],
    ["imports", "Importing modules"],
    ["app", "Starting the app"],
    ["render", "Rendering"],
  ];
  performance.setResourceTimingBufferSize(1000);
  const status = {phases: [["page", 0]], ready: false, error: null, offlineReady: false};
  window.pgLoading = status;
  if (location.protocol === "file:") {
    document.documentElement.classList.add("pg-file");  // loading.css: no spinner image
  }
  let worker = null;
  const missed = [];  // messages that arrived before panel's handler existed
  let box = null;
  let current = ["page", ""];

  // ------------------------------------------------------------------ the worker
  window.pgStartWorker = function (url) {
    if (location.protocol === "file:") {
      return;  // browsers refuse workers from file://; the page explains it instead
    }
    worker = new Worker(url);
    worker.onmessage = (event) => missed.push(event);
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", (event) => {
      if (!status.error) {
        fail("The app could not start", event.message || "the Python worker crashed",
          "Reload the page; if it persists, rebuild the site with `python build.py`.");
      }
    });
  };

  // Called by panel's page script instead of `new Worker(url)`.
  window.pgWorker = function (url) {
    if (worker === null) {
      if (location.protocol !== "file:") {
        window.pgStartWorker(url);
      } else {
        return {postMessage() {}, addEventListener() {}, busy: false, queue: []};
      }
    }
    queueMicrotask(() => {  // after panel's script has set worker.onmessage
      for (const event of missed.splice(0)) {
        worker.onmessage(event);
      }
    });
    return worker;
  };

  function onMessage(event) {
    const msg = event.data || {};
    if (msg.type === "pg-progress") {
      show(msg.step, msg.detail);
    } else if (msg.type === "pg-error") {
      fail(status.ready ? "Python error" : `Start-up failed (${msg.step})`, msg.message,
        msg.hint);
    } else if (msg.type === "pg-snapshot") {
      status.snapshot = msg;  // stored after a first visit, or restored (static/snapshot.js)
    } else if (msg.type === "render") {
      show("render", "");
    }
  }

  // ------------------------------------------------------------------ the screen
  function render() {
    if (box === null || status.error) {
      return;
    }
    const [step, detail] = current;
    const i = STEPS.findIndex((s) => s[0] === step);
    box.querySelector(".pg-loading-step").textContent = `${i >= 0 ? STEPS[i][1] : step}…`;
    box.querySelector(".pg-loading-detail").textContent = detail || "";
    box.querySelector(".pg-loading-fill").style.width =
      `${Math.round((100 * (i + 1)) / (STEPS.length + 1))}%`;
  }

  function show(step, detail) {
    current = [step, detail];
    status.phases.push([step, performance.now()]);
    render();
  }

  function fail(title, message, hint) {
    status.error = {title: title, message: message, hint: hint || ""};
    if (location.protocol !== "file:") {
      console.error(`pyplayground: ${title}: ${message}`);
    }
    whenBody(() => {
      if (box === null) {
        makeBox();
      }
      box.classList.add("pg-loading-error");
      box.setAttribute("role", "alert");
      const h = document.createElement("div");
      h.className = "pg-loading-title";
      h.textContent = title;
      const p = document.createElement("div");
      p.className = "pg-loading-hint";
      p.textContent = hint || "";
      const pre = document.createElement("pre");
      pre.className = "pg-loading-message";
      pre.textContent = message;
      box.replaceChildren(h, p, pre);
      document.body.classList.remove("pn-loading");
    });
  }
  window.pgFail = fail;

  function makeBox() {
    box = document.createElement("div");
    box.id = "pg-loading";
    box.setAttribute("role", "status");
    box.innerHTML =
      '<div class="pg-loading-title">pyplayground</div>' +
      '<div class="pg-loading-step"></div>' +
      '<div class="pg-loading-bar"><div class="pg-loading-fill"></div></div>' +
      '<div class="pg-loading-detail"></div>';
    document.body.appendChild(box);
  }

  function whenBody(fn) {
    if (document.body) {
      fn();
    } else {
      document.addEventListener("DOMContentLoaded", fn, {once: true});
    }
  }

  whenBody(() => {
    if (location.protocol === "file:") {
      fail("This site must be served over http",
        "Browsers do not run the Python worker of a page opened from a file.",
        "Run `pyplayground serve` (or `python build.py --serve`) and open the URL it prints.");
      return;
    }
    if (!status.error) {
      makeBox();
      render();
    }
    new MutationObserver((_records, observer) => {
      if (!document.body.classList.contains("pn-loading") && !status.error) {
        observer.disconnect();
        ready();
      }
    }).observe(document.body, {attributes: true, attributeFilter: ["class"]});
  });

  function ready() {
    status.ready = true;
    status.phases.push(["ready", performance.now()]);
    if (box !== null) {
      box.remove();
      box = null;
    }
    if (worker !== null) {
      worker.postMessage({type: "pg-interactive"});  // the worker may now store its snapshot
    }
    keepForOffline();
  }

  // ------------------------------------------------------------------ offline support
  function workerResources() {
    return new Promise((resolve) => {
      const onReply = (event) => {
        if (event.data && event.data.type === "pg-resources") {
          worker.removeEventListener("message", onReply);
          resolve(event.data.urls);
        }
      };
      worker.addEventListener("message", onReply);
      worker.postMessage({type: "pg-resources"});
      setTimeout(() => resolve([]), 5000);
    });
  }

  async function keepForOffline() {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) {
      return;
    }
    try {
      await navigator.serviceWorker.register("./sw.js");
      const registration = await navigator.serviceWorker.ready;
      const urls = new Set([location.href.split("#")[0]]);
      performance.getEntriesByType("resource").forEach((e) => urls.add(e.name));
      (await workerResources()).forEach((u) => urls.add(u));
      const sameOrigin = [...urls].filter((u) => new URL(u).origin === location.origin);
      const channel = new MessageChannel();
      const reply = new Promise((resolve) => {
        channel.port1.onmessage = (event) => resolve(event.data);
      });
      registration.active.postMessage({type: "pg-cache", urls: sameOrigin}, [channel.port2]);
      status.cached = await reply;
      status.offlineReady = !!(status.cached && status.cached.ok);
    } catch (e) {
      console.warn("pyplayground: offline support is not available:", e);
    }
  }
})();
