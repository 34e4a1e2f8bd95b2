// The plan import preview's editing table (计划 → 导入新版本 → 预览). Without this script the page
// still previews and confirms the document as uploaded; with it the office corrects the
// extraction in the table (tasks, targets, milestones), merges unit names that look like typos,
// and the table is posted as the plan's interchange JSON (field `edited`), built from the plan
// the server rendered (#plan-data) so that every field the table does not show is kept.
// The server checks what arrives; nothing here is trusted.
(function () {
  'use strict';
  var data = document.getElementById('plan-data');
  if (!data) { return; }
  var base;
  try { base = JSON.parse(data.value); } catch (e) { return; }
  var dirty = false;
  var SEPARATORS = /[、，,；;\n]/;

  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }
  function field(tr, name) { return tr.querySelector('[data-f="' + name + '"]'); }
  function units(text) {
    return text.split(SEPARATORS).map(function (s) { return s.trim(); }).filter(Boolean);
  }
  function numberOrNull(text) {
    var t = String(text).trim();
    return t === '' ? null : Number(t);
  }
  function clone(x) { return JSON.parse(JSON.stringify(x)); }
  function changed(input) { return input.value !== input.defaultValue; }

  function markDirty(tr) {
    dirty = true;
    if (tr) { tr.classList.add('edited'); }
    var note = document.getElementById('edit-state');
    if (note) { note.hidden = false; }
  }

  // Unlock the table and show what needs the script.
  all('.plan-edit [readonly]').forEach(function (e) { e.readOnly = false; });
  all('.plan-edit select[disabled]').forEach(function (e) { e.disabled = false; });
  all('[data-delete], [data-add], [data-merge], #check-form, button.link-line').forEach(function (e) { e.hidden = false; });
  all('#edit-tasks [data-f="number"]').forEach(function (e) { e.dataset.prev = e.value; });

  document.addEventListener('input', function (ev) {
    var tr = ev.target.closest && ev.target.closest('.plan-edit tbody tr');
    if (tr) { ev.target.setCustomValidity(''); markDirty(tr); }
  });
  document.addEventListener('change', function (ev) {
    var t = ev.target;
    var tr = t.closest && t.closest('.plan-edit tbody tr');
    if (!tr) { return; }
    markDirty(tr);
    // A renumbered task takes its targets and milestones with it.
    if (t.dataset.f === 'number' && tr.closest('#edit-tasks')) {
      var before = t.dataset.prev;
      if (before && before !== t.value) {
        all('#edit-targets [data-f="task"], #edit-milestones [data-f="task"]').forEach(function (x) {
          if (x.value === before) { x.value = t.value; markDirty(x.closest('tr')); }
        });
      }
      t.dataset.prev = t.value;
    }
  });

  document.addEventListener('click', function (ev) {
    var b = ev.target.closest && ev.target.closest('button, a[data-line]');
    if (!b) { return; }
    if (b.hasAttribute('data-delete')) {
      var tr = b.closest('tr');
      var body = tr.parentNode;
      var next = body.rows[tr.sectionRowIndex + 1] || body.rows[tr.sectionRowIndex - 1];
      tr.remove();
      markDirty(null);
      if (next) { next.querySelector('input, textarea').focus(); }
    } else if (b.hasAttribute('data-add')) {
      addRow(b.getAttribute('data-add'));
    } else if (b.hasAttribute('data-merge')) {
      merge(b.closest('[data-merge-from]'), b);
    } else if (b.hasAttribute('data-line')) {
      // Diagnostics are links (#L12) that work without the script; this adds the highlight.
      showLine(b.getAttribute('data-line'));
    }
  });

  function addRow(kind) {
    var tpl = document.getElementById('row-' + kind);
    var body = document.querySelector('#edit-' + kind + ' tbody');
    if (!tpl || !body) { return; }
    var tr = tpl.content.firstElementChild.cloneNode(true);
    var numbers = all('#edit-tasks [data-f="number"]').map(function (e) { return Number(e.value) || 0; });
    var last = numbers.length ? numbers[numbers.length - 1] : 0;
    if (kind === 'tasks') {
      var rows = body.rows;
      tr.dataset.section = rows.length ? rows[rows.length - 1].dataset.section : (base.sections && base.sections.length ? base.sections[base.sections.length - 1].number : '');
      field(tr, 'number').value = String(Math.max.apply(null, numbers.concat([0])) + 1);
      field(tr, 'number').dataset.prev = field(tr, 'number').value;
    } else if (last) {
      field(tr, 'task').value = String(last);
    }
    body.appendChild(tr);
    markDirty(tr);
    tr.scrollIntoView({ block: 'nearest' });
    (tr.querySelector('textarea') || tr.querySelector('input')).focus();
  }

  function merge(item, button) {
    var from = item.getAttribute('data-merge-from');
    var into = item.getAttribute('data-merge-into');
    var count = 0;
    all('.plan-edit textarea[data-units]').forEach(function (cell) {
      var names = units(cell.value);
      if (names.indexOf(from) < 0) { return; }
      var out = [];
      names.forEach(function (n) {
        var m = n === from ? into : n;
        if (out.indexOf(m) < 0) { out.push(m); }
      });
      cell.value = out.join('、');
      count += 1;
      markDirty(cell.closest('tr'));
    });
    item.classList.add('done');
    button.disabled = true;
    button.textContent = '已统一为“' + into + '”（' + count + ' 个单元格）';
  }

  function showLine(n) {
    var li = document.getElementById('L' + n);
    if (!li) { return; }
    li.scrollIntoView({ block: 'center' });
    li.classList.add('flash');
    setTimeout(function () { li.classList.remove('flash'); }, 2000);
  }
  // The plan the table states, as interchange JSON, or null after showing what is wrong.
  function serialise() {
    var plan = clone(base);
    var tasks = [];
    var byNumber = {};
    var problem = null;
    function invalid(input, message) {
      if (message) { input.setCustomValidity(message); }
      input.classList.add('invalid');
      if (!problem) { problem = input; }
    }
    all('.plan-edit .invalid').forEach(function (e) { e.classList.remove('invalid'); });
    all('.plan-edit tbody input, .plan-edit tbody textarea').forEach(function (e) {
      if (!e.checkValidity()) { invalid(e); }
    });
    all('#edit-tasks tbody tr').forEach(function (tr) {
      var i = tr.dataset.index;
      var t = i !== '' ? clone(base.tasks[Number(i)]) : {
        number: 0, label: '', title: '', section: tr.dataset.section || '',
        lead_units: [], participating_units: [], targets: [], milestones: []
      };
      var number = field(tr, 'number');
      t.number = Number(number.value) || 0;
      t.title = field(tr, 'title').value.trim();
      t.lead_units = units(field(tr, 'lead').value);
      t.participating_units = units(field(tr, 'participating').value);
      t.targets = [];
      t.milestones = [];
      if (byNumber[t.number]) {
        invalid(number, '序号 ' + t.number + ' 重复：每个任务的序号应不同');
      } else {
        byNumber[t.number] = t;
      }
      tasks.push(t);
    });
    function owner(tr) {
      var input = field(tr, 'task');
      var t = byNumber[Number(input.value)];
      if (!t) { invalid(input, '没有序号为 ' + input.value + ' 的任务'); }
      return t;
    }
    all('#edit-targets tbody tr').forEach(function (tr) {
      var orig = tr.dataset.task !== '' ? base.tasks[Number(tr.dataset.task)].targets[Number(tr.dataset.index)] : null;
      var x = orig ? clone(orig) : { text: '', indicator: '', value: null, unit: null, year: null, comparator: null };
      var indicator = field(tr, 'indicator');
      var value = field(tr, 'value');
      var year = field(tr, 'year');
      x.indicator = indicator.value.trim();
      if (orig && changed(indicator)) { delete x.indicator_id; }
      x.text = field(tr, 'text').value.trim();
      if (!orig || changed(value)) {
        x.value = numberOrNull(value.value);
        delete x.value_text;
        delete x.value_max;
      }
      if (!orig || changed(year)) {
        x.year = numberOrNull(year.value);
        delete x.year_basis;
      }
      x.unit = field(tr, 'unit').value.trim() || null;
      x.comparator = field(tr, 'comparator').value || null;
      var t = owner(tr);
      if (t) { t.targets.push(x); }
    });
    all('#edit-milestones tbody tr').forEach(function (tr) {
      var orig = tr.dataset.task !== '' ? base.tasks[Number(tr.dataset.task)].milestones[Number(tr.dataset.index)] : null;
      var m = orig ? clone(orig) : { text: '', year: null, what: '' };
      var text = field(tr, 'text');
      var year = field(tr, 'year');
      m.text = text.value.trim();
      if (!orig || changed(text)) { m.what = m.text; }
      if (!orig || changed(year)) {
        m.year = numberOrNull(year.value);
        delete m.year_start;
      }
      var t = owner(tr);
      if (t) { t.milestones.push(m); }
    });
    if (problem) {
      problem.scrollIntoView({ block: 'center' });
      problem.reportValidity();
      return null;
    }
    plan.tasks = tasks;
    return JSON.stringify(plan);
  }

  function carry(form, always) {
    form.addEventListener('submit', function (ev) {
      if (!always && !dirty) { return; }
      var json = serialise();
      if (json === null) { ev.preventDefault(); return; }
      form.querySelector('input[name="edited"]').value = json;
    });
  }
  var confirmForm = document.getElementById('confirm-form');
  var checkForm = document.getElementById('check-form');
  if (confirmForm) { carry(confirmForm, false); }
  if (checkForm) { carry(checkForm, true); }
}());
