// asaas-mock dashboard: everything shown comes from the /__mock control API on this
// origin. Text only ever reaches the page through textContent (never parsed as markup), so a
// customer or rule named "<script>" is shown as text. No key or token is displayed:
// the API only ever answers redacted displays, and the admin token typed here stays in
// sessionStorage and the X-Mock-Admin-Token header.
"use strict";
(function () {
  var account = null;
  var $ = function (id) { return document.getElementById(id); };

  function headers(json) {
    var h = {};
    var t = sessionStorage.getItem("amAdminToken");
    if (t) h["X-Mock-Admin-Token"] = t;
    if (json) h["Content-Type"] = "application/json";
    return h;
  }
  function showError(msg) {
    var e = $("error");
    e.textContent = msg;
    e.hidden = !msg;
  }
  function api(method, path, body) {
    return fetch("/__mock/" + path, {
      method: method, headers: headers(body !== undefined), cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.text().then(function (t) {
        var data = null;
        try { data = t ? JSON.parse(t) : null; } catch (e) { data = t; }
        if (!r.ok) {
          var d = data && data.errors && data.errors[0] ? data.errors[0].description : r.status;
          throw new Error(method + " " + path + ": " + d);
        }
        return data;
      });
    });
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function row(cells) {
    var tr = document.createElement("tr");
    cells.forEach(function (c) {
      var td = document.createElement("td");
      if (c instanceof Node) td.appendChild(c); else td.textContent = c === null ? "" : String(c);
      tr.appendChild(td);
    });
    return tr;
  }
  function button(label, fn, id) {
    var b = el("button", label);
    b.type = "button";
    if (id) b.id = id;
    b.addEventListener("click", function () { fn().then(refresh, function (e) { showError(e.message); }); });
    return b;
  }
  function fill(id, rows) {
    var body = $(id);
    body.textContent = "";
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function seg(s) { return encodeURIComponent(s); }

  function loadAccounts() {
    return api("GET", "accounts").then(function (l) {
      if (!account && l.data.length) account = l.data[0].id;
      fill("accounts-body", l.data.map(function (a) {
        var pick = button(a.id === account ? "selecionada" : "abrir", function () {
          account = a.id; return Promise.resolve();
        }, "account-" + a.id);
        return row([a.id, a.name, a.keyCount, a.today, pick]);
      }));
    });
  }
  function loadAccount() {
    if (!account) return Promise.resolve();
    var a = seg(account);
    $("account-id").textContent = account;
    return Promise.all([
      api("GET", "accounts/" + a + "/keys").then(function (l) {
        fill("keys-body", l.data.map(function (k) {
          var acts = el("span");
          acts.appendChild(button(k.enabled ? "desativar" : "ativar", function () {
            return api("POST", "accounts/" + a + "/keys/" + seg(k.id) + (k.enabled ? "/disable" : "/enable"));
          }));
          acts.appendChild(button("expirar", function () {
            return api("PUT", "accounts/" + a + "/keys/" + seg(k.id), {expirationDate: "2000-01-01 00:00:00"});
          }));
          acts.appendChild(button("excluir", function () {
            return api("DELETE", "accounts/" + a + "/keys/" + seg(k.id));
          }));
          return row([k.name, k.display, k.expired ? "expirada" : (k.enabled ? "ativa" : "desativada"),
                      k.expirationDate || "nunca", acts]);
        }));
      }),
      api("GET", "accounts/" + a + "/clock").then(function (c) {
        $("clock").textContent = "Agora " + c.now + " (" + (c.mode === "frozen" ? "congelado" : "tempo real") +
          "), hoje " + c.today;
      }),
      api("GET", "accounts/" + a + "/payments?limit=50").then(function (l) {
        fill("payments-body", l.data.map(function (p) {
          var acts = el("span");
          var link = el("a", p.id);
          link.href = "../i/" + p.id.replace(/^pay_/, "");
          link.target = "_blank";
          link.rel = "noopener";
          ["confirm", "overdue", "refund"].forEach(function (act) {
            if ((act === "refund") !== (p.status === "RECEIVED" || p.status === "CONFIRMED")) return;
            acts.appendChild(button(act, function () {
              return api("POST", "accounts/" + a + "/payments/" + seg(p.id) + "/" + act, act === "refund" ? {} : undefined);
            }, act + "-" + p.id));
          });
          var status = el("span", p.status, "status " + p.status);
          status.id = "status-" + p.id;
          var value = Number(p.value).toLocaleString("pt-BR", {style: "currency", currency: "BRL"});
          return row([link, value, p.billingType, status, p.dueDate, acts]);
        }));
      }),
      api("GET", "accounts/" + a + "/webhooks/deliveries?limit=100").then(function (l) {
        // Oldest first in the API: the newest 20 attempts, newest on top.
        fill("deliveries-body", l.data.slice(-20).reverse().map(function (d) {
          var when = d.started ? new Date(d.started).toISOString().replace("T", " ").slice(0, 19) : "";
          return row([when, d.event + " #" + d.attempt, d.url,
                      d.outcome + (d.status ? " " + d.status : "") + (d.error ? " (" + d.error + ")" : "")]);
        }));
        $("queues").textContent = (l.queues || []).map(function (q) {
          return q.config + ": " + q.depth + " na fila" + (q.interrupted ? " (interrompida)" : "");
        }).join(" · ");
      })
    ]);
  }
  function loadFaults() {
    return api("GET", "faults").then(function (f) {
      fill("faults-body", (f.rules || []).map(function (r) {
        return row([r.id, JSON.stringify(r), button("remover", function () {
          return api("DELETE", "faults/" + seg(r.id));
        })]);
      }));
    });
  }
  function loadMetrics() {
    return fetch("/__mock/metrics", {headers: headers(false), cache: "no-store"}).then(function (r) {
      return r.text();
    }).then(function (t) {
      var wanted = /^asaas_mock_(requests_total|webhook|faults|auth_failures|rate_limited)/;
      fill("metrics-body", t.split("\n").filter(function (l) {
        return l && l[0] !== "#" && wanted.test(l) && !/ 0$/.test(l);
      }).slice(0, 40).map(function (l) {
        var i = l.lastIndexOf(" ");
        return row([l.slice(0, i), l.slice(i + 1)]);
      }));
    });
  }
  function loadJournal() {
    return api("GET", "journal?limit=15").then(function (l) {
      fill("journal-body", l.data.map(function (j) {
        return row([j.time, j.method, j.path, j.status, j.operation, j.key || ""]);
      }));
    });
  }
  function refresh() {
    return Promise.all([loadAccounts(), loadFaults(), loadMetrics(), loadJournal()])
      .then(loadAccount).then(function () {
        showError("");
        $("status").textContent = "atualizado " + new Date().toLocaleTimeString("pt-BR");
      }, function (e) { showError(e.message); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("token-save").addEventListener("click", function () {
      sessionStorage.setItem("amAdminToken", $("token").value);
      $("token").value = "";
      refresh();
    });
    $("account-create").addEventListener("click", function () {
      var id = $("new-account").value.trim();
      api("POST", "accounts", {id: id, name: id}).then(function () { account = id; refresh(); },
                                                       function (e) { showError(e.message); });
    });
    $("key-add").addEventListener("click", function () {
      // The key goes to the API once and is cleared here; listings show it redacted.
      var key = $("new-key").value.trim();
      $("new-key").value = "";
      api("POST", "accounts/" + seg(account) + "/keys", {name: "painel", key: key}).then(refresh,
        function (e) { showError(e.message); });
    });
    $("clock-advance").addEventListener("click", function () {
      var days = parseInt($("advance-days").value, 10) || 1;
      api("POST", "accounts/" + seg(account) + "/clock/advance", {days: days}).then(function (c) {
        $("jobs").textContent = c.jobs ? "Rotinas: " + JSON.stringify(c.jobs) : "";
        return refresh();
      }, function (e) { showError(e.message); });
    });
    $("clock-real").addEventListener("click", function () {
      api("PUT", "accounts/" + seg(account) + "/clock", {mode: "real"}).then(refresh,
        function (e) { showError(e.message); });
    });
    $("fault-add").addEventListener("click", function () {
      var rule;
      try { rule = JSON.parse($("fault-json").value); } catch (e) { showError("JSON inválido"); return; }
      api("POST", "faults", rule).then(refresh, function (e) { showError(e.message); });
    });
    refresh();
    // Live: the journal, the payments and the deliveries follow what clients do.
    setInterval(function () {
      Promise.all([loadJournal(), loadAccount()]).catch(function (e) { showError(e.message); });
    }, 2000);
  });
})();
