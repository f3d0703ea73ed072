"""The web pages: server-rendered HTML over the same stores and functions as the JSON API,
mounted in the API application (``newswatch api``, ``newswatch up``).

Pages read well without JavaScript; two small scripts enhance them (live alerts, the topic
editor). Changes need a login with the API token (a session cookie, HttpOnly and
SameSite=Strict) and a CSRF token on every form; reading needs the login too unless the
``web_public`` setting is true. Every page answers with a Content-Security-Policy that allows
no inline script or style, and everything that comes from feeds is escaped by the templates.
"""
