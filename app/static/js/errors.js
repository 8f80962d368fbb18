// A form came back with errors: move focus to its summary at the top (GOV.UK error summary),
// and let each of its links put the cursor in the field it names.
(function () {
  var summary = document.querySelector('[data-error-summary]');
  if (!summary) { return; }
  summary.focus();
  summary.querySelectorAll('a[href^="#"]').forEach(function (link) {
    link.addEventListener('click', function (event) {
      var input = document.getElementById(link.getAttribute('href').slice(1));
      if (input) { event.preventDefault(); input.focus(); input.scrollIntoView({block: 'center'}); }
    });
  });
})();
