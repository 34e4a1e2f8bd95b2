// The only script of PlanWatch: conveniences that the pages work without.
// "全部展开/全部收起" for the long quarterly report form.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  document.querySelectorAll('[data-toggle-rows]').forEach(function (button) {
    button.addEventListener('click', function () {
      var rows = document.querySelectorAll('details.task-row');
      var open = Array.prototype.some.call(rows, function (d) { return !d.open; });
      rows.forEach(function (d) { d.open = open; });
      button.textContent = open ? '全部收起' : '全部展开';
    });
  });
}());
