vcl 4.1;
# Varnish in front of Curbside's app servers (docs/http-cache.md).
#
# - The app decides what may be shared: only answers with "Cache-Control:
#   public" (and s-maxage) are stored, never one that sets a cookie or says
#   private, no-store or no-cache.
# - A request with a session cookie (a signed-in user, or an anonymous
#   session holding something of theirs) or a waiting flash message goes
#   straight to the app and is never stored; every other cookie is dropped, so
#   visitors who are not signed in share one copy.
# - PURGE <path> (Wagtail's frontend-cache HTTP backend) drops every query
#   variant of that path on every host name; BAN with "X-Ban-Prefix: /guides/"
#   drops every path starting with it ("/" for everything). Only from the
#   purgers ACL; anyone else gets 403.
# - A path written with %-escapes is never stored (a purge could not reach
#   every spelling of the same page).
# - X-Cache (HIT, MISS or PASS) on every answer; Age only on a HIT.
#
# The backends are the scaled setup's two app servers (docs/scaled-setup.md);
# tests and the recipe replace the two ports.

import directors;

probe healthz {
    .request = "GET /healthz HTTP/1.1"
        "Host: 127.0.0.1"
        "Connection: close";
    .interval = 5s;
    .timeout = 2s;
    .window = 5;
    .threshold = 3;
    .initial = 3;
}

backend app_a {
    .host = "127.0.0.1";
    .port = "8001";
    .probe = healthz;
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
}

backend app_b {
    .host = "127.0.0.1";
    .port = "8002";
    .probe = healthz;
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
}

# Who may purge: the app servers and workers (here, loopback).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app_a);
    app.add_backend(app_b);
}

sub vcl_recv {
    set req.backend_hint = app.backend();
    unset req.http.X-Curbside-Pass;

    if (req.method == "PURGE") {
        if (!client.ip ~ purgers) {
            return (synth(403, "Purging is not allowed from this address"));
        }
        # (A path has no spaces: they arrive as %20.)
        ban("obj.http.X-Curbside-Path == " + regsub(req.url, "\?.*$", ""));
        return (synth(200, "Purged"));
    }
    if (req.method == "BAN") {
        if (!client.ip ~ purgers) {
            return (synth(403, "Banning is not allowed from this address"));
        }
        if (req.http.X-Ban-Prefix !~ "^/[-/A-Za-z0-9_.~]*$") {
            return (synth(400, "X-Ban-Prefix must be a path"));
        }
        ban("obj.http.X-Curbside-Path ~ ^" + req.http.X-Ban-Prefix);
        return (synth(200, "Banned"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        set req.http.X-Curbside-Pass = "1";
        return (pass);
    }
    # Personal by address: the admin, accounts, the learner's pages, health.
    if (req.url ~ "^/(admin|accounts|me|healthz)(/|\?|$)") {
        set req.http.X-Curbside-Pass = "1";
        return (pass);
    }
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        set req.http.X-Curbside-Pass = "1";
        return (pass);
    }
    # A path with %-escapes is passed, never stored: the app reads
    # /guides/ana%2Dguide/ as /guides/ana-guide/, but a purge names only the
    # page's own spelling, so a stored copy under another would outlive it.
    if (req.url ~ "^[^?]*%") {
        set req.http.X-Curbside-Pass = "1";
        return (pass);
    }
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # The object's path without the query, matched by PURGE and BAN (bans on
    # obj.* only, so Varnish's ban lurker clears them in the background).
    set beresp.http.X-Curbside-Path = regsub(bereq.url, "\?.*$", "");
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)"
        || beresp.http.Cache-Control !~ "(?i)public"
        || beresp.http.Vary == "*") {
        # Not stored; the next request for it goes to the app again.
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # A page the app cannot render just now is served a little longer.
    set beresp.grace = 1h;
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.X-Curbside-Path;
    if (req.http.X-Curbside-Pass) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    if (obj.hits == 0) {
        unset resp.http.Age;
    }
}
