"""A delivery read from a JetStream message's ack subject, as nats-py reads it."""

from __future__ import annotations

import pytest
from nats.aio.msg import Msg

from shuxiang.events.consumer import Delivery


@pytest.mark.parametrize(
    "reply",
    [
        "$JS.ACK.CANONICAL.calendar.1.12345.12340.1764460000123456789.100",  # v1
        "$JS.ACK._.ACCHASH.CANONICAL.calendar.3.12345.12340.1764460000123456789.100.tok",  # v2, no domain
        "$JS.ACK.hub.ACCHASH.CANONICAL.calendar.2.77.70.1764460000999999999.0",  # v2 with domain, no token
    ],
)
def test_delivery_reads_sequence_time_and_count_as_nats_py_does(reply) -> None:
    msg = Msg(
        _client=None, subject="shuxiang.canonical.created", reply=reply, data=b"{}", headers={"Nats-Msg-Id": "m1"}
    )
    delivery = Delivery.from_msg(msg)
    expected = msg.metadata
    assert delivery.stream_seq == expected.sequence.stream
    assert delivery.timestamp == expected.timestamp
    assert delivery.num_delivered == expected.num_delivered
    assert (delivery.subject, delivery.data, delivery.msg_id) == ("shuxiang.canonical.created", b"{}", "m1")


def test_a_message_that_is_no_jetstream_delivery_is_refused() -> None:
    msg = Msg(_client=None, subject="x", reply="_INBOX.abc", data=b"")
    with pytest.raises(ValueError, match="not a JetStream delivery"):
        Delivery.from_msg(msg)
