// The only script of PlanWatch: conveniences that the pages work without.
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  // "全部展开/全部收起" for the long quarterly report form.
  document.querySelectorAll('[data-toggle-rows]').forEach(function (button) {
    button.addEventListener('click', function () {
      var rows = document.querySelectorAll('details.task-row');
      var open = Array.prototype.some.call(rows, function (d) { return !d.open; });
      rows.forEach(function (d) { d.open = open; });
      button.textContent = open ? '全部收起' : '全部展开';
    });
  });

  // Phones show tables as cards, each cell labelled by its column's head: cells the template
  // did not label get the head's text here.
  document.querySelectorAll('table.table').forEach(function (table) {
    var heads = [];
    var headRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!headRow) { return; }
    Array.prototype.forEach.call(headRow.cells, function (th) {
      for (var k = 0; k < (th.colSpan || 1); k++) { heads.push(th.textContent.trim()); }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.cells, function (td) {
          if (!td.hasAttribute('data-label') && heads[col]) { td.setAttribute('data-label', heads[col]); }
          col += td.colSpan || 1;
        });
      });
    });
  });

  // Lists: a click on a column head sorts the rows (numbers as numbers, text in Chinese order).
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var body = table.tBodies[0];
    var headRow = table.tHead && table.tHead.rows[0];
    if (!body || !headRow) { return; }
    var collator = new Intl.Collator('zh-CN', { numeric: true });
    Array.prototype.forEach.call(headRow.cells, function (th, col) {
      if (!th.textContent.trim()) { return; }
      th.setAttribute('aria-sort', 'none');
      th.tabIndex = 0;
      var sort = function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(headRow.cells, function (h) { if (h.hasAttribute('aria-sort')) { h.setAttribute('aria-sort', 'none'); } });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (tr) {
          var td = tr.cells[col];
          var t = td ? (td.getAttribute('data-sort') || td.textContent).trim() : '';
          var n = parseFloat(t.replace(/[,%]/g, ''));
          return { t: t, n: /^-?[\d.,]+%?$/.test(t) ? n : NaN };
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b), r;
          if (!isNaN(x.n) && !isNaN(y.n)) { r = x.n - y.n; }
          else if (!x.t || !y.t) { r = x.t ? -1 : (y.t ? 1 : 0); return r; }
          else { r = collator.compare(x.t, y.t); }
          return asc ? r : -r;
        });
        rows.forEach(function (tr) { body.appendChild(tr); });
      };
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
    });
  });

  // The navigation on phones scrolls sideways: the current area is scrolled into view and the
  // fade at the edge goes when there is nothing more to that side.
  var nav = document.querySelector('.mainnav');
  var inner = nav && nav.querySelector('.nav-inner');
  if (inner) {
    var active = inner.querySelector('a.active');
    if (active && active.offsetLeft + active.offsetWidth > inner.clientWidth) {
      inner.scrollLeft = active.offsetLeft - 16;
    }
    var edges = function () {
      nav.classList.toggle('at-end', inner.scrollLeft + inner.clientWidth >= inner.scrollWidth - 2);
      nav.classList.toggle('at-start-not', inner.scrollLeft > 2);
    };
    inner.addEventListener('scroll', edges, { passive: true });
    window.addEventListener('resize', edges);
    edges();
  }
}());
