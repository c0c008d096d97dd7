"""A private S3-compatible server for the tests: npm's s3rver (a Node HTTP server speaking
the S3 protocol, keeping objects in files), on a free port, its data in a temporary folder.
`scripts/test` installs it into .venv/s3rver. Never a mock: MinIO, Garage and SeaweedFS
are in none of the registries the machines reach, and Debian's radosgw needs a Ceph
cluster."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
import httpx
from botocore.config import Config

from tests.support import ROOT, free_port

S3RVER = Path(
    os.environ.get("COURTWIRE_S3RVER")
    or ROOT / ".venv" / "s3rver" / "node_modules" / ".bin" / "s3rver"
)
ACCESS_KEY = SECRET_KEY = "S3RVER"
"""The credentials s3rver takes (it checks each request's signature with them)."""


class S3Server:
    """s3rver with one bucket; it can be stopped and started again on the same port, its
    objects kept."""

    def __init__(self, bucket: str) -> None:
        self.bucket = bucket
        self.directory = Path(tempfile.mkdtemp(prefix="courtwire-s3-"))
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._client: Any = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self, prefix: str = "") -> dict[str, str]:
        """A node's settings for the bucket: COURTWIRE_MEDIA_* and boto3's own AWS_*."""
        return {
            "COURTWIRE_MEDIA_URL": f"s3://{self.bucket}/{prefix}",
            "COURTWIRE_MEDIA_ENDPOINT": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def start(self, timeout: float = 30.0) -> None:
        assert S3RVER.exists(), "scripts/test installs s3rver (npm s3rver)"
        with open(self.directory.parent / f"{self.directory.name}.log", "ab") as log:
            self.process = subprocess.Popen(
                [
                    *(str(S3RVER), "--directory", str(self.directory)),
                    *("--address", "127.0.0.1", "--port", str(self.port)),
                    *("--no-vhost-buckets", "--configure-bucket", self.bucket),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "s3rver exited"
            try:
                httpx.get(self.endpoint, timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError(f"s3rver did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def client(self) -> Any:
        """A boto3 client of the test's own, to look into the bucket."""
        if self._client is None:
            self._client = self._new_client()
        return self._client

    def _new_client(self) -> Any:
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
            config=Config(
                s3={"addressing_style": "path"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    def keys(self, prefix: str = "") -> list[str]:
        found = self.client().list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for item in found.get("Contents", []))
