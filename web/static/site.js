// Landing page: explain file:// and keep the page for offline use (see sw.js).
(function () {
  "use strict";
  if (location.protocol === "file:") {
    const note = document.getElementById("pg-file-warning");
    if (note) {
      note.hidden = false;
    }
    return;
  }
  if (!("serviceWorker" in navigator) || !window.isSecureContext) {
    return;
  }
  window.addEventListener("load", async () => {
    try {
      await navigator.serviceWorker.register("./sw.js");
      const registration = await navigator.serviceWorker.ready;
      const urls = [location.href.split("#")[0]];
      for (const entry of performance.getEntriesByType("resource")) {
        urls.push(entry.name);
      }
      const channel = new MessageChannel();
      registration.active.postMessage(
        {type: "pg-cache", urls: urls.filter((u) => new URL(u).origin === location.origin)},
        [channel.port2]);
    } catch (e) {
      console.warn("pyplayground: offline support is not available:", e);
    }
  });
})();
