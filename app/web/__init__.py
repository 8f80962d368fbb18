"""The browser side: staff pages, sign-in, the units' self-service and the public pages.
``app.web.setup`` binds it to an app."""
