"""Photo files in an S3-compatible bucket (COURTWIRE_MEDIA_URL=s3://bucket/prefix), so that
every node of a cluster serves what any node stored, and removes it for all of them.

The client is boto3, the AWS SDK for Python: kept by AWS, released weekly, and it speaks
to any S3-compatible server through an endpoint (MinIO, Ceph's RADOS Gateway, Garage,
Cloudflare R2...). Its calls block; every media call already runs in a thread
(courtwire.photos), never on the event loop. Credentials and region come from boto3's own
chain: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_REGION, ~/.aws, an instance role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    PartialCredentialsError,
)

from courtwire.exceptions import MediaUnavailable
from courtwire.images import OUTPUTS
from courtwire.media import Outage, safe, split_key
from courtwire.settings import S3Location

if TYPE_CHECKING:
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

CONFIG = Config(
    # A custom endpoint is addressed by path (http://host:9000/bucket/key), which every
    # S3-compatible server takes; AWS itself by its bucket's host name.
    s3={"addressing_style": "auto"},
    # Checksums only where S3 requires them: servers other than AWS's do not all take
    # the trailing checksums that boto3 sends by default since 1.36.
    request_checksum_calculation="when_required",
    response_checksum_validation="when_required",
    # A reader's photo waits on these: fail in seconds, not the minutes of the defaults.
    connect_timeout=3,
    read_timeout=10,
    retries={"mode": "standard", "max_attempts": 2},
    max_pool_connections=20,
)
FAILURES = (BotoCoreError, ClientError)
TYPES = {extension: media_type for _, extension, media_type, _options in OUTPUTS}
MISSING = ("NoSuchKey", "404")


class S3Media:
    """One bucket, every key under one prefix: `<prefix><photo id>/<name>`."""

    def __init__(self, location: S3Location) -> None:
        self.location = location
        config = CONFIG
        if location.endpoint:
            config = config.merge(Config(s3={"addressing_style": "path"}))
        try:
            self.client = boto3.session.Session().client(
                "s3", endpoint_url=location.endpoint or None, config=config
            )
        except PartialCredentialsError:
            raise self._no_credentials() from None
        except BotoCoreError as error:
            raise MediaUnavailable(f"The media store's settings are refused: {error}") from None
        self.where = f"s3://{location.bucket}/{location.prefix}"
        self.outage = Outage(self.where)

    def check(self) -> None:
        bucket, endpoint = self.location.bucket, self.location.endpoint or "AWS"
        try:
            self.client.head_bucket(Bucket=bucket)
        except (NoCredentialsError, PartialCredentialsError):
            raise self._no_credentials() from None
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 404:
                message = (
                    f"{endpoint} has no bucket {bucket!r} (COURTWIRE_MEDIA_URL): make it first."
                )
            elif status == 403:
                message = (
                    f"{endpoint} refused access to the bucket {bucket!r}: check"
                    " AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the bucket's policy."
                )
            else:
                message = f"{endpoint} answered {status} for the bucket {bucket!r}: {error}"
            raise MediaUnavailable(message) from None
        except BotoCoreError as error:
            raise MediaUnavailable(
                f"The media store {endpoint} cannot be reached: {error}"
            ) from None

    def _no_credentials(self) -> MediaUnavailable:
        return MediaUnavailable(
            f"No credentials for the media bucket {self.location.bucket!r}: set"
            " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or another source boto3 reads)."
        )

    def _key(self, key: str) -> str:
        photo_id, name = split_key(key)
        return f"{self.location.prefix}{photo_id}/{name}"

    def put(self, key: str, data: bytes) -> None:
        object_key = self._key(key)
        media_type = TYPES.get(object_key.rsplit(".", 1)[-1], "application/octet-stream")
        with self.outage.watch(FAILURES):
            self.client.put_object(
                Bucket=self.location.bucket, Key=object_key, Body=data, ContentType=media_type
            )

    def get(self, key: str) -> bytes | None:
        try:
            object_key = self._key(key)
        except ValueError:
            return None
        with self.outage.watch(FAILURES):
            try:
                answer = self.client.get_object(Bucket=self.location.bucket, Key=object_key)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in MISSING:
                    return None
                raise
            return answer["Body"].read()

    def remove(self, photo_id: str) -> None:
        if not safe(photo_id):
            return
        bucket = self.location.bucket
        with self.outage.watch(FAILURES):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=bucket, Prefix=f"{self.location.prefix}{photo_id}/"
            )
            for page in pages:
                keys: list[ObjectIdentifierTypeDef] = [
                    {"Key": found["Key"]} for found in page.get("Contents", [])
                ]
                if not keys:
                    continue
                answer = self.client.delete_objects(
                    Bucket=bucket, Delete={"Objects": keys, "Quiet": True}
                )
                if answer.get("Errors"):
                    raise ClientError({"Error": answer["Errors"][0]}, "DeleteObjects")
