"""The public reading site: server-rendered pages (Jinja2, autoescaped), no login to read."""
