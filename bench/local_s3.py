"""A local S3 server (moto) for the object-store tests and benchmarks, on this machine only.

    server, settings = start_s3_server("atlas-bench")   # the AWS_* variables to reach it
    ...
    server.terminate()

Also ``unreachable_s3_settings()``: the same variables for an endpoint nothing listens on.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time

_CREDENTIALS = {
    "AWS_ALLOW_HTTP": "true",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
}


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unreachable_s3_settings() -> dict[str, str]:
    """The environment variables of an S3 endpoint on a port nothing listens on."""
    return {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}", **_CREDENTIALS}


def start_s3_server(bucket: str) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    """Start moto's S3 server on a free port with ``bucket`` created; return the process and
    the environment variables that reach it (the caller terminates the process)."""
    import boto3

    endpoint = f"http://127.0.0.1:{free_port()}"
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-p", endpoint.rsplit(":", 1)[1]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    settings = {"AWS_ENDPOINT_URL": endpoint, **_CREDENTIALS}
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=settings["AWS_REGION"],
        aws_access_key_id=settings["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=settings["AWS_SECRET_ACCESS_KEY"],
    )
    for _ in range(100):
        try:
            client.create_bucket(Bucket=bucket)
            break
        except Exception:  # noqa: BLE001 - the server is still starting
            time.sleep(0.1)
    return server, settings
