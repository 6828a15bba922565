// The breakglass console's only script: the WebAuthn ceremonies (register a key, sign in, approve or
// deny). No inline script anywhere; the Content-Security-Policy allows only this file.
(function () {
  'use strict';
  var meta = function (name) { return document.querySelector('meta[name="' + name + '"]').content; };
  var base = meta('breakglass-base');
  var csrf = meta('csrf-token');
  var status = function (text, isError) {
    var el = document.getElementById('status');
    el.textContent = text;
    el.className = isError ? 'error' : '';
  };
  var toBytes = function (b64url) {
    var s = atob(b64url.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((b64url.length + 3) % 4));
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) { out[i] = s.charCodeAt(i); }
    return out;
  };
  var toB64 = function (buffer) {
    var bytes = new Uint8Array(buffer), s = '';
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  var post = function (path, body) {
    return fetch(base + path, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) { throw new Error(j.code + ': ' + j.message); }
        return j;
      });
    });
  };
  var allow = function (ids) {
    return ids.map(function (id) { return { type: 'public-key', id: toBytes(id) }; });
  };
  var assertion = function (o) {
    return navigator.credentials.get({ publicKey: {
      challenge: toBytes(o.challenge), rpId: o.rpId, allowCredentials: allow(o.allow),
      userVerification: o.userVerification, timeout: 120000 } });
  };
  var answer = function (cred) {
    return { credentialId: toB64(cred.rawId), authenticatorData: toB64(cred.response.authenticatorData),
      clientDataJSON: toB64(cred.response.clientDataJSON), signature: toB64(cred.response.signature) };
  };
  var failed = function (e) { status(e.message || String(e), true); };

  var actions = {
    register: function () {
      status('Touch your security key…');
      post('/keys/options', {}).then(function (o) {
        return navigator.credentials.create({ publicKey: {
          challenge: toBytes(o.challenge), rp: { id: o.rpId, name: 'breakglass' },
          user: { id: toBytes(o.userId), name: o.user, displayName: o.user },
          pubKeyCredParams: o.algorithms.map(function (a) { return { type: 'public-key', alg: a }; }),
          excludeCredentials: allow(o.exclude), attestation: 'none', timeout: 120000,
          authenticatorSelection: { userVerification: o.userVerification } } });
      }).then(function (cred) {
        return post('/keys/finish', { attestationObject: toB64(cred.response.attestationObject),
          clientDataJSON: toB64(cred.response.clientDataJSON), label: document.getElementById('key-label').value });
      }).then(function (r) {
        status('Security key registered (' + r.registered + ').');
      }).catch(failed);
    },
    signin: function () {
      var user = document.getElementById('username').value.trim();
      status('Touch your security key…');
      post('/signin/options', { user: user }).then(assertion).then(function (cred) {
        return post('/signin/finish', answer(cred));
      }).then(function () { window.location.assign(base + '/'); }).catch(failed);
    },
    decide: function (button) {
      var grant = button.getAttribute('data-grant');
      var decision = button.getAttribute('data-decision');
      var reason = document.getElementById('deny-reason').value;
      status('Touch your security key to sign your decision…');
      post('/requests/' + encodeURIComponent(grant) + '/options', { decision: decision, reason: reason })
        .then(assertion).then(function (cred) {
          return post('/requests/' + encodeURIComponent(grant) + '/decide', answer(cred));
        }).then(function () { window.location.reload(); }).catch(failed);
    }
  };
  document.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-action]');
    if (button && actions[button.getAttribute('data-action')]) {
      event.preventDefault();
      actions[button.getAttribute('data-action')](button);
    }
  });
})();
