// Camunda Modeler's fallback Cockpit links put the page in the URL fragment
// (/app/cockpit/default/#/process-instance/42), which never reaches the server: follow it to
// the same path without the '#', which the server redirects to our own page.
const LINK = /^#\/(process-instance\/[0-9]+|process-definition\/[^/?#]+|repository)(\?[^#]*)?$/;

const holder = document.querySelector("[data-cockpit-base]");
const found = LINK.exec(window.location.hash);
if (holder && found) {
  window.location.replace(holder.dataset.cockpitBase + found[1] + (found[2] || ""));
}
