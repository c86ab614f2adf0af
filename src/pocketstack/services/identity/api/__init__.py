"""Identity API handlers: validate (done by the route's schema), authorize, call, view."""
