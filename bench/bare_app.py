"""The bare minimum the benchmark compares against: Flask returning a constant.

Served by the same gunicorn config file as the app, in the same run, so the
ratio app/bare shows what the app's own work costs.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def constant() -> str:
    return "ok"
