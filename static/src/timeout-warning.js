// The GOV.UK timeout warning (templates/includes/timeout_warning.html): a modal
// <dialog> two minutes before the session ends, counting down, with "Stay signed in"
// (which posts to the keep-alive address and starts the count again) and "Sign out".
// When the time is up it says so, and leaves the page as it is: a form sent now is kept
// until the person signs in again (core.submissions, docs/adr/0011).

function inWords(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

export function initTimeoutWarning(root = document) {
  const dialog = root.querySelector('[data-module="app-timeout-warning"]');
  if (!dialog || typeof dialog.showModal !== "function") {
    return null;
  }
  const timeoutMs = Number(dialog.dataset.timeoutSeconds) * 1000;
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  const warning = dialog.querySelector('[data-timeout-state="warning"]');
  const ended = dialog.querySelector('[data-timeout-state="ended"]');
  const countdown = dialog.querySelector("[data-timeout-countdown]");
  const announce = dialog.querySelector("[data-timeout-announce]");
  const csrf = dialog.querySelector('input[name="csrfmiddlewaretoken"]').value;
  let endsAt = 0;
  let warnTimer = null;
  let tickTimer = null;
  let lastFocus = null;
  let announced = "";

  function secondsLeft() {
    return Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
  }

  function open() {
    if (!dialog.open) {
      lastFocus = document.activeElement;
      dialog.showModal();
    }
  }

  function close() {
    if (dialog.open) {
      dialog.close();
    }
    if (lastFocus && typeof lastFocus.focus === "function") {
      lastFocus.focus();
    }
  }

  function showEnded() {
    clearInterval(tickTimer);
    warning.hidden = true;
    ended.hidden = false;
    open();
    ended.querySelector("h2").focus();
  }

  function tick() {
    const left = secondsLeft();
    if (left <= 0) {
      showEnded();
      return;
    }
    countdown.textContent = inWords(left);
    // Say it aloud at each whole minute and at 20 seconds, not every second.
    const spoken = left > 60 ? inWords(left) : left <= 20 ? inWords(20) : inWords(60);
    if (spoken !== announced) {
      announced = spoken;
      announce.textContent = `You will be signed out in ${spoken}.`;
    }
  }

  function warn() {
    warning.hidden = false;
    ended.hidden = true;
    announced = "";
    tick();
    open();
    warning.querySelector("h2").focus();
    tickTimer = setInterval(tick, 1000);
  }

  function start(seconds) {
    clearTimeout(warnTimer);
    clearInterval(tickTimer);
    endsAt = Date.now() + seconds * 1000;
    warnTimer = setTimeout(warn, Math.max(0, seconds * 1000 - warningMs));
  }

  async function stay() {
    try {
      const response = await fetch(dialog.dataset.keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      });
      if (!response.ok) {
        showEnded();
        return;
      }
      const body = await response.json();
      start(body.expires_in);
      close();
    } catch {
      showEnded();
    }
  }

  dialog.querySelector("[data-timeout-stay]").addEventListener("click", stay);
  dialog.querySelector("[data-timeout-close]").addEventListener("click", close);
  // Escape: while warning, it means "Stay signed in"; once signed out, just close.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (ended.hidden) {
      stay();
    } else {
      close();
    }
  });
  start(timeoutMs / 1000);
  return { start, stay };
}
