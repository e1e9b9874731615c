"""Outgoing webhooks: what each call carries, and how it is signed.

Every call is a POST of a JSON body with these headers:

    X-Headway-Event: obstacle.resolved
    X-Headway-Delivery: 5f0c…            the same for every attempt of one delivery
    X-Headway-Timestamp: 1764500000      this attempt's time, in seconds since the epoch
    X-Headway-Signature: sha256=<hex>    HMAC-SHA256, keyed with the webhook's secret, of
                                         "<timestamp>.<body>"

A receiver recomputes the signature over the bytes it received, compares it in constant time,
and refuses a timestamp more than five minutes away from its clock (a replay), and a delivery
id it has already handled (a retry of one it did take). The README shows a receiver.
"""

import hashlib
import hmac
import json
import time

from django.utils import timezone

from api import schemas
from api.endpoints import objectives_with_key_results, obstacles_for_api
from objectives.models import CheckIn, KeyResult

SIGNATURE_HEADER = "X-Headway-Signature"
# How far a receiver should accept a timestamp from its own clock, in seconds.
TOLERANCE = 300


def signature(secret, timestamp, body):
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(delivery, secret, now=None):
    timestamp = int(now if now is not None else time.time())
    body = delivery.body.encode()
    return {
        "X-Headway-Event": delivery.event_type,
        "X-Headway-Delivery": str(delivery.delivery_id),
        "X-Headway-Timestamp": str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def as_json(schema, instance):
    return schema.model_validate(instance, from_attributes=True).model_dump(mode="json")


# What a change is about, as the API shows it (None when it no longer exists).


def obstacle_subject(obstacle_id):
    obstacle = obstacles_for_api().filter(pk=obstacle_id).first()
    return obstacle and {"obstacle": as_json(schemas.ObstacleOut, obstacle)}


def check_in_subject(check_in_id):
    check_in = CheckIn.objects.select_related("author").filter(pk=check_in_id).first()
    if check_in is None:
        return None
    key_result = KeyResult.objects.with_latest_check_in().get(pk=check_in.key_result_id)
    return {
        "check_in": as_json(schemas.CheckInOut, check_in),
        "key_result": as_json(schemas.KeyResultOut, key_result),
    }


def objective_subject(objective_id):
    objective = objectives_with_key_results().filter(pk=objective_id).first()
    return objective and {"objective": as_json(schemas.ObjectiveOut, objective)}


def body_for(change):
    """The JSON body of a call for `change` (integrations.tasks.Change), or None when what
    it is about is gone."""
    subject = change.subject()
    if subject is None:
        return None
    return json.dumps(
        {
            "event": change.event,
            "id": change.key,
            "occurred_at": change.occurred_at.isoformat(),
            "actor": change.actor and as_json(schemas.Person, change.actor),
            "change": {"kind": change.kind, **change.details},
            **subject,
        },
        ensure_ascii=False,
    )


def ping_body(webhook):
    return json.dumps(
        {
            "event": "ping",
            "occurred_at": timezone.now().isoformat(),
            "webhook": {"url": webhook.url, "events": webhook.events},
        }
    )
