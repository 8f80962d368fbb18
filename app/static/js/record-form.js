// Show only the fields of the chosen category (all stay visible without scripts).
(function () {
  var select = document.querySelector('#record-form select[name=category]');
  if (!select) return;
  function show() {
    document.querySelectorAll('#record-form fieldset.category').forEach(function (set) {
      set.hidden = set.dataset.category.split(' ').indexOf(select.value) < 0;
    });
  }
  select.addEventListener('change', show);
  show();
})();
