// Lesson pages (lesson-<id>.html, built by sitegen/pages.py): hand the progress kept in
// local storage to the Python worker, which has no local storage of its own.
//
// Once panel's page script has rendered the live document, the stored progress is
// written into the hidden model named by <main data-load-model>; the change reaches the
// worker like any widget change (pyplayground/ui/lesson/views.py: ProgressStore). The
// worker stores progress itself, through a CustomJS on a second hidden model.
(function () {
  "use strict";
  const main = document.querySelector("main.pg-lesson");
  if (main === null || location.protocol === "file:") {
    return;
  }
  const status = {sent: false, stored: null};
  window.pgLesson = status;

  function read() {
    try {
      return window.localStorage.getItem(main.dataset.storageKey);
    } catch (e) {
      console.warn("pyplayground: stored progress unavailable (local storage):", e);
      return null;
    }
  }

  const timer = setInterval(() => {
    // `pyodideWorker` is the global of panel's page script; `jsdoc` is set on render
    const doc = typeof pyodideWorker !== "undefined" ? pyodideWorker.jsdoc : null;
    const model = doc ? doc.get_model_by_name(main.dataset.loadModel) : null;
    if (model !== null && model !== undefined) {
      clearInterval(timer);
      status.stored = read();
      model.text = JSON.stringify({progress: status.stored});
      status.sent = true;
    } else if (window.pgLoading && window.pgLoading.error) {
      clearInterval(timer);
    }
  }, 50);
})();
