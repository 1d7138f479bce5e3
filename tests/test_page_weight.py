"""bench/page_weight.py: the byte counting of a coverage view (the browser run itself is not in the suite)."""

import base64

from bench.page_weight import Wire


def test_wire_counts_decoded_frames_and_http():
    w = Wire()
    payload = b"\x00\x01" + b"coverage " * 200  # a binary (protobuf) frame arrives base64-encoded
    w.on_frame({"response": {"opcode": 2, "payloadData": base64.b64encode(payload).decode()}})
    w.on_frame({"response": {"opcode": 1, "payloadData": "网格"}})  # a text frame: its UTF-8 bytes
    w.on_http({"encodedDataLength": 947})
    w.on_http({})
    assert w.ws == len(payload) + 6 and w.ws_frames == 2 and w.http == 947
    assert 0 < w.deflated < w.ws  # repetitive bytes deflate to far fewer
