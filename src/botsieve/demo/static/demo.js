// The demo survey's own script. It uses the collector exactly as a customer would: start() after
// consent, mark() on each page, stop() at the end. The answers themselves never leave the page.
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('botsieve-demo-config').textContent);
  var page = document.body.getAttribute('data-page');
  var status = document.getElementById('status');

  function remember(name, value) {
    try {
      if (value === undefined) return sessionStorage.getItem('botsieve-demo:' + name);
      if (value === null) sessionStorage.removeItem('botsieve-demo:' + name);
      else sessionStorage.setItem('botsieve-demo:' + name, value);
    } catch (e) {
      return null;
    }
    return null;
  }

  function respondent() {
    var id = remember('respondent');
    if (!id) {
      id = 'demo-' + Math.random().toString(36).slice(2, 10);
      remember('respondent', id);
    }
    return id;
  }

  function begin() {
    return window.botsieve.start({
      endpoint: config.endpoint,
      key: config.key,
      surveyId: config.survey || 'demo',
      respondentId: respondent(),
      platform: 'web',
      // Binds the session to this browser: only its cookie may see the result page.
      metadata: { source: 'demo', visitor: config.visitor },
    });
  }

  function go(path) {
    window.location.assign(path);
  }

  if (page === 'consent') {
    if (/[?&]restart=1/.test(window.location.search)) {
      remember('consent', null);
      remember('respondent', null);
      remember('session', null);
    }
    document.getElementById('decline').addEventListener('click', function () {
      status.textContent = 'Understood: nothing was recorded. You can close this page.';
    });
    document.getElementById('agree').addEventListener('click', function () {
      var button = this;
      button.disabled = true;
      status.textContent = 'Starting…';
      remember('consent', 'yes');
      var handle = begin();
      handle.mark('consent', 'submitted');
      // The next page continues this session, so wait (briefly) until it exists.
      var timeout = new Promise(function (resolve) {
        setTimeout(resolve, 6000);
      });
      Promise.race([handle.sessionId, timeout]).then(function (id) {
        if (id) remember('session', id);
        go('/demo/grid');
      });
    });
    return;
  }

  if (remember('consent') !== 'yes') {
    go('/demo/');
    return;
  }
  var handle = begin();
  handle.mark(page, 'shown');
  var form = document.getElementById('survey');

  if (page === 'grid') {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var missing = [];
      var rows = form.querySelectorAll('tr[data-row]');
      for (var i = 0; i < rows.length; i++) {
        var name = rows[i].getAttribute('data-row');
        if (!form.querySelector('input[name="' + name + '"]:checked')) missing.push(i + 1);
      }
      if (missing.length) {
        status.textContent = 'Please answer every statement (missing: ' + missing.join(', ') + ').';
        return;
      }
      handle.mark('grid', 'submitted');
      go('/demo/open');
    });
  }

  if (page === 'open') {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var answer = document.getElementById('answer').value.trim();
      if (!document.getElementById('book').value.trim() || answer.length < 20) {
        status.textContent = 'Please name the book and write at least a sentence.';
        return;
      }
      document.getElementById('finish').disabled = true;
      status.textContent = '';
      handle.mark('open', 'submitted');
      handle.sessionId.then(function (id) {
        return handle.stop().then(function () {
          id = id || remember('session');
          remember('consent', null);
          remember('respondent', null);
          remember('session', null);
          go(id ? '/demo/result?session=' + encodeURIComponent(id) : '/demo/');
        });
      });
    });
  }
})();
