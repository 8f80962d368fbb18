// What every page's forms share.
(function () {
  // A form came back with errors: move focus to its summary at the top (GOV.UK error summary),
  // and let each of its links put the cursor in the field it names.
  var summary = document.querySelector('[data-error-summary]');
  if (summary) {
    summary.focus();
    summary.querySelectorAll('a[href^="#"]').forEach(function (link) {
      link.addEventListener('click', function (event) {
        var input = document.getElementById(link.getAttribute('href').slice(1));
        if (input) { event.preventDefault(); input.focus(); input.scrollIntoView({block: 'center'}); }
      });
    });
  }
  // Irreversible steps (a decision, withdrawing an application) ask first.
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) { event.preventDefault(); }
    });
  });
})();
