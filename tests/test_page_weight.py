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


def test_trace_summary_splits_the_renderer_main_thread_by_kind(tmp_path):
    """A nested script → layout → style task: each event's own time goes to its kind; an unnamed child
    counts as its parent's kind; the thread's CPU is its top-level tasks' thread time."""
    import json

    from bench.trace_summary import summarise

    meta = [
        {"ph": "M", "name": "process_name", "pid": 1, "tid": 1, "args": {"name": "Renderer"}},
        {"ph": "M", "name": "thread_name", "pid": 1, "tid": 1, "args": {"name": "CrRendererMain"}},
    ]
    x = [
        {"ph": "X", "name": "RunTask", "pid": 1, "tid": 1, "ts": 0, "dur": 10_000, "tdur": 9_000},
        {"ph": "X", "name": "FunctionCall", "pid": 1, "tid": 1, "ts": 0, "dur": 8_000},
        {"ph": "X", "name": "Layout", "pid": 1, "tid": 1, "ts": 1_000, "dur": 3_000},
        {"ph": "X", "name": "UpdateLayoutTree", "pid": 1, "tid": 1, "ts": 5_000, "dur": 1_000},
        {"ph": "X", "name": "SomethingUnnamed", "pid": 1, "tid": 1, "ts": 6_000, "dur": 1_000},
    ]
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"traceEvents": meta + x}))
    s = summarise(path)
    assert s["threads"] == {"Renderer/CrRendererMain": 9.0}
    assert s["main"] == {"scripting": 4.0, "layout": 3.0, "other": 2.0, "style": 1.0}


def test_wire_counts_the_deltas_by_kind():
    """Streamlit's messages decoded: a new element by its type, a container as a block, a cached message
    sent by its hash as a ref; a message that draws nothing, or a frame that is not Streamlit's, counts
    nothing."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from bench.page_weight import delta_kinds

    def frame(msg: ForwardMsg) -> dict:
        return {"response": {"opcode": 2, "payloadData": base64.b64encode(msg.SerializeToString()).decode()}}

    caption, table, block, ref, end = ForwardMsg(), ForwardMsg(), ForwardMsg(), ForwardMsg(), ForwardMsg()
    caption.delta.new_element.markdown.body = "共 2 户"
    table.delta.new_element.dataframe.arrow_data.data = b"\x00"
    block.delta.add_block.vertical.SetInParent()
    ref.ref_hash = "abc"
    end.script_finished = 1
    w = Wire()
    for m in (caption, caption, table, block, ref, end):
        w.on_frame(frame(m))
    w.on_frame({"response": {"opcode": 1, "payloadData": "网格"}})
    assert w.deltas == {"markdown": 2, "dataframe": 1, "block": 1, "ref": 1}
    assert delta_kinds(b"\xff\xff not a message") == []


def test_trace_summary_counts_a_nested_task_once(tmp_path):
    """Chrome nests a RunTask inside each ThreadControllerImpl::RunTask: the thread's CPU is the outer
    task's thread time, not both (it was counted twice)."""
    import json

    from bench.trace_summary import summarise

    meta = [
        {"ph": "M", "name": "process_name", "pid": 1, "tid": 2, "args": {"name": "GPU Process"}},
        {"ph": "M", "name": "thread_name", "pid": 1, "tid": 2, "args": {"name": "VizCompositorThread"}},
    ]
    x = [
        {"ph": "X", "name": "ThreadControllerImpl::RunTask", "pid": 1, "tid": 2, "ts": 0, "dur": 5_000, "tdur": 4_000},
        {"ph": "X", "name": "RunTask", "pid": 1, "tid": 2, "ts": 10, "dur": 4_900, "tdur": 3_900},
        {"ph": "X", "name": "RunTask", "pid": 1, "tid": 2, "ts": 6_000, "dur": 1_000, "tdur": 500},
    ]
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"traceEvents": meta + x}))
    assert summarise(path)["threads"] == {"GPU Process/VizCompositorThread": 4.5}


def test_browser_cost_splits_the_main_thread_by_frame(tmp_path):
    """bench/browser_cost.py frame_split: a top-level task goes to the frame its first event names —
    streamlit-folium's frame (its URL under /component/streamlit_folium) is ``map``, the page's ``page``,
    a task naming none ``other``; within each, own times by kind; ``cpu`` is the tasks' thread time."""
    import json

    from bench.browser_cost import frame_split

    page, fmap = "F1", "F2"
    meta = [
        {"ph": "M", "name": "thread_name", "pid": 1, "tid": 1, "args": {"name": "CrRendererMain"}},
        {
            "ph": "I",
            "name": "TracingStartedInBrowser",
            "pid": 9,
            "tid": 9,
            "ts": 0,
            "args": {"data": {"frames": [{"frame": page, "url": "http://127.0.0.1:8501/coverage"}]}},
        },
        {
            "ph": "I",
            "name": "FrameCommittedInBrowser",
            "pid": 9,
            "tid": 9,
            "ts": 1,
            "args": {
                "data": {"frame": fmap, "url": "http://127.0.0.1:8501/component/streamlit_folium.st_folium/index.html"}
            },
        },
    ]

    def ev(name, ts, dur, tdur=None, frame=None, begin=False):
        e = {"ph": "X", "name": name, "pid": 1, "tid": 1, "ts": ts, "dur": dur}
        if tdur is not None:
            e["tdur"] = tdur
        if frame:
            e["args"] = {"beginData" if begin else "data": {"frame": frame}}
        return e

    x = [
        # the page: a script run with a layout inside (its own frame named by the script)
        ev("RunTask", 0, 10_000, tdur=8_000),
        ev("FunctionCall", 0, 6_000, frame=page),
        ev("Layout", 1_000, 2_000, frame=page, begin=True),
        # the map's frame: its script evaluated, then a paint
        ev("RunTask", 20_000, 5_000, tdur=4_000),
        ev("EvaluateScript", 20_000, 3_000, frame=fmap),
        ev("RunTask", 30_000, 1_000, tdur=1_000),
        ev("Paint", 30_000, 1_000, frame=fmap),
        # a garbage collection naming no frame
        ev("RunTask", 40_000, 2_000, tdur=2_000),
        ev("MinorGC", 40_000, 2_000),
    ]
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"traceEvents": meta + x}))
    s = frame_split(path)
    assert set(s) == {"page", "map", "other"}
    assert s["page"]["cpu"] == 8.0 and s["map"]["cpu"] == 5.0 and s["other"]["cpu"] == 2.0
    assert s["page"]["scripting"] == 4.0 and s["page"]["layout"] == 2.0 and s["page"]["other"] == 4.0
    assert s["map"]["scripting"] == 3.0 and s["map"]["paint"] == 1.0 and s["map"]["other"] == 2.0
    assert s["other"]["gc"] == 2.0
