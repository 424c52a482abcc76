// Start GOV.UK Frontend's JavaScript components (tabs, error summary focus, and so on).
import { initAll } from '/assets/govuk-frontend.min.js';

initAll();

// On a small screen a table is a stack of cards (app.scss): label each cell with its column.
for (const table of document.querySelectorAll('.govuk-table')) {
  const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
  for (const row of table.querySelectorAll('tbody tr')) {
    [...row.children].forEach((cell, index) => {
      if (headers[index] && cell.classList.contains('govuk-table__cell')) {
        cell.dataset.label = headers[index];
      }
    });
  }
}
