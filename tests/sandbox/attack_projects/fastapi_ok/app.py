import os
import socket

import numpy
import sklearn
from fastapi import FastAPI

app = FastAPI()


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.get("/report")
def report():
    return {
        "uid": os.getuid(),
        "gid": os.getgid(),
        "groups": os.getgroups(),
        "env": sorted(os.environ),
        "hostname": socket.gethostname(),
        "root": sorted(os.listdir("/")),
        "numpy": numpy.__version__,
        "sklearn": sklearn.__version__,
    }
