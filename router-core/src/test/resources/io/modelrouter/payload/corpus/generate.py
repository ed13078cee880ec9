#!/usr/bin/env python3
"""Writes the malformed-payload corpus that MalformedCorpusTest replays.

Each NNN-name.case file holds the expectation, the request line, the headers, a blank line and
the body bytes exactly as sent:

    # reason: invalid_input            (RejectionReason.code(), exact)
    # pointer: /messages/0/role        (the first violation's JSON pointer, exact; INVALID_INPUT only)
    # message: is not a known role     (a fragment of the first violation's message, or of the
                                        rejection's message when it has no violation)
    POST /v1/chat/completions
    content-type: application/json

    {"model": ...}

The test parser limits bodies to 16 KiB so that the oversized cases stay small.
Run `python3 generate.py` in this directory to rewrite the files after changing a case.
"""
import json, os, glob

CHAT = "/v1/chat/completions"
COMP = "/v1/completions"
EMB = "/v1/embeddings"
OIP = "/v2/models/resnet/infer"
JSON_CT = {"content-type": "application/json"}
cases = []

def case(name, reason, body, path=CHAT, method="POST", headers=None, pointer=None, message=None):
    if isinstance(body, (dict, list)):
        body = json.dumps(body, separators=(",", ":")).encode()
    elif isinstance(body, str):
        body = body.encode()
    cases.append((name, reason, pointer, message, method, path, JSON_CT if headers is None else headers, body))

def bad(name, body, pointer, message, path=CHAT, headers=None):
    case(name, "invalid_input", body, path=path, headers=headers, pointer=pointer, message=message)

msg = [{"role": "user", "content": "hi"}]
def chat(**kw):
    b = {"model": "m", "messages": msg}
    b.update(kw)
    return b
def tensor(**kw):
    t = {"name": "x", "shape": [2], "datatype": "FP32", "data": [1.0, 2.0]}
    t.update(kw)
    return t
def infer(*tensors):
    return {"inputs": list(tensors) or [tensor()]}

# --- transport: path, method, size, media type -----------------------------------------------
case("get-on-chat", "unsupported_operation", chat(), method="GET", message="method 'GET' is not allowed")
case("put-on-infer", "unsupported_operation", infer(), path=OIP, method="PUT", message="method 'PUT' is not allowed")
case("models-list-path", "unsupported_operation", chat(), path="/v1/models", message="is not an inference path")
case("oip-ready-path", "unsupported_operation", "", path="/v2/models/resnet/ready", message="is not an inference path")
case("oip-empty-model", "unsupported_operation", infer(), path="/v2/models//infer", message="is not an inference path")
case("oip-empty-version", "unsupported_operation", infer(), path="/v2/models/resnet/versions//infer", message="is not an inference path")
case("oip-extra-segment", "unsupported_operation", infer(), path="/v2/models/resnet/extra/infer", message="is not an inference path")
case("no-content-type", "unsupported_media_type", chat(), headers={}, message="has no Content-Type")
case("text-plain", "unsupported_media_type", chat(), headers={"content-type": "text/plain"}, message="is not supported")
case("form-urlencoded", "unsupported_media_type", chat(), headers={"content-type": "application/x-www-form-urlencoded"}, message="is not supported")
case("multipart", "unsupported_media_type", chat(), headers={"content-type": "multipart/form-data; boundary=x"}, message="is not supported")
case("latin1-charset", "unsupported_media_type", chat(), headers={"content-type": "application/json; charset=iso-8859-1"}, message="charset 'iso-8859-1'")
case("utf16-charset", "unsupported_media_type", chat(), headers={"content-type": "application/json;charset=\"UTF-16\""}, message="charset 'UTF-16'")
case("octet-stream-infer", "unsupported_media_type", b"\x00\x01\x02\x03", path=OIP, headers={"content-type": "application/octet-stream"}, message="is not supported")
case("gzip-encoding", "unsupported_media_type", b"\x1f\x8b\x08\x00", headers={"content-type": "application/json", "content-encoding": "gzip"}, message="content encoding 'gzip'")
case("br-encoding", "unsupported_media_type", chat(), headers={"content-type": "application/json", "content-encoding": "br"}, message="content encoding 'br'")
case("oversized-chat", "payload_too_large", chat(messages=[{"role": "user", "content": "x" * 17000}]), message="larger than the limit of 16384 bytes")
case("oversized-infer", "payload_too_large", infer(tensor(shape=[5000], data=[1.5] * 5000)), path=OIP, message="larger than the limit")
bad("empty-chat", "", "", "the request body is empty")
bad("empty-infer", "", "", "the request body is empty", path=OIP)
bad("whitespace-only", " \r\n\t ", "", "must be a JSON object")
bad("broken-percent-in-model", infer(), "", "model name in the path is not valid", path="/v2/models/res%ZZnet/infer")
bad("percent-encoded-slash-in-model", infer(), "", "model name in the path is not valid", path="/v2/models/a%2Fb/infer")

# --- syntax and encoding ----------------------------------------------------------------------
bad("truncated-array", '{"model":"m","messages":[', "/messages", "end-of-input")
bad("truncated-string", '{"model":"m', "/model", "end-of-input")
bad("open-brace-only", "{", "", "end-of-input")
bad("close-brace-only", "}", "", "must be a JSON object")
bad("trailing-comma", '{"model":"m","messages":[{"role":"user","content":"hi"}],}', "/messages", "was expecting double-quote")
bad("single-quotes", "{'model':'m'}", "", "was expecting double-quote")
bad("unquoted-key", '{model:"m"}', "", "was expecting double-quote")
bad("comment", '{"model":"m", /* hi */ "messages":[]}', "/model", "maybe a (non-standard) comment?")
bad("nan-literal", '{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":NaN}', "/temperature", "Non-standard token 'NaN'")
bad("leading-zero", '{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":012}', "/max_tokens", "Leading zeroes")
bad("trailing-garbage", '{"model":"m","messages":[{"role":"user","content":"hi"}]} x', "", "Unrecognized token 'x'")
bad("second-document", '{"model":"m","messages":[{"role":"user","content":"hi"}]} {}', "", "content after its JSON object")
bad("invalid-utf8-start-byte", b'{"model":"m","messages":[{"role":"user","content":"h\xffi"}]}', "/messages/0/content", "Invalid UTF-8 start byte")
bad("truncated-utf8-sequence", b'{"model":"m","messages":[{"role":"user","content":"h\xc3"}]}', "/messages/0/content", "Invalid UTF-8 middle byte")
bad("invalid-utf8-in-skipped-field", b'{"model":"m","messages":[{"role":"user","content":"hi"}],"user":"\xfe"}', "/user", "Invalid UTF-8")
bad("invalid-utf8-in-name", b'{"model":"m","messages":[{"role":"user","content":"hi"}],"\xc3(":1}', "/messages", "Invalid UTF-8")
bad("overlong-utf8", b'{"model":"m\xc0\xaf","messages":[{"role":"user","content":"hi"}]}', "", "not valid UTF-8 at byte 11")
bad("encoded-surrogate", b'{"model":"m","messages":[{"role":"user","content":"\xed\xa0\x80"}]}', "/messages/0/content", "Illegal surrogate character")
bad("above-max-code-point", b'{"model":"m","messages":[{"role":"user","content":"\xf4\x90\x80\x80"}]}', "", "not valid UTF-8 at byte 51")
bad("raw-newline-in-string", '{"model":"m","messages":[{"role":"user","content":"a\nb"}]}', "/messages/0/content", "Illegal unquoted character")
bad("raw-nul-in-string", b'{"model":"m","messages":[{"role":"user","content":"a\x00b"}]}', "/messages/0/content", "Illegal unquoted character")
bad("bad-escape", '{"model":"m","messages":[{"role":"user","content":"a\\xb"}]}', "/messages/0/content", "Unrecognized character escape 'x'")
bad("bad-unicode-escape", '{"model":"m","messages":[{"role":"user","content":"\\u12G4"}]}', "/messages/0/content", "Unexpected character ('G'")
bad("duplicate-model", '{"model":"a","model":"b","messages":[{"role":"user","content":"hi"}]}', "/model", 'Duplicate Object property "model"')
bad("duplicate-role", '{"model":"m","messages":[{"role":"user","role":"system","content":"hi"}]}', "/messages/0/role", 'Duplicate Object property "role"')
bad("duplicate-tensor-name-key", '{"inputs":[{"name":"x","name":"y","shape":[1],"datatype":"FP32","data":[1]}]}', "/inputs/0/name", 'Duplicate Object property "name"', path=OIP)
bad("deep-nesting-unknown-field", '{"model":"m","messages":[{"role":"user","content":"hi"}],"x":' + "[" * 100 + "]" * 100 + "}", "/x" + "/0" * 63, "nesting depth")
bad("deep-nesting-tensor-data", '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":' + "[" * 100 + "1" + "]" * 100 + "}]}", "/inputs/0/data" + "/0" * 61, "nesting depth", path=OIP)
bad("deep-nesting-objects", '{"a":' * 80 + "1" + "}" * 80, "/a" * 64, "nesting depth")
bad("number-too-long", '{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":' + "9" * 200 + "}", "/max_tokens", "Number value length")
bad("name-too-long", '{"model":"m","messages":[{"role":"user","content":"hi"}],"' + "k" * 2000 + '":1}', "/messages", "Name length")
bad("top-level-array", "[1,2]", "", "must be a JSON object")
bad("top-level-string", '"hello"', "", "must be a JSON object")
bad("top-level-number", "42", "", "must be a JSON object")
bad("top-level-null", "null", "", "must be a JSON object")
bad("utf16-body", '{"model":"m"}'.encode("utf-16-be"), "", "must be a JSON object")
bad("utf16-bom-body", '{"model":"m"}'.encode("utf-16"), "", "must be a JSON object")
bad("utf8-bom", b'\xef\xbb\xbf{"model":"m","messages":[{"role":"user","content":"hi"}]}', "", "must be a JSON object")

# --- OpenAI semantics -------------------------------------------------------------------------
bad("missing-model", {"messages": msg}, "/model", "is required")
bad("model-number", chat(model=7), "/model", "must be a string")
bad("model-null", chat(model=None), "/model", "must be a string")
bad("model-empty", chat(model=""), "/model", "must name a model")
bad("model-blank", chat(model="   "), "/model", "must name a model")
bad("model-too-long", chat(model="m" * 300), "/model", "is too long")
bad("model-object", chat(model={"name": "m"}), "/model", "must be a string")
bad("missing-messages", {"model": "m"}, "/messages", "is required")
bad("messages-string", chat(messages="hi"), "/messages", "must be an array")
bad("messages-null", chat(messages=None), "/messages", "must be an array")
bad("messages-empty", chat(messages=[]), "/messages", "at least one message")
bad("message-string", chat(messages=["hi"]), "/messages/0", "must be an object")
bad("message-missing-role", chat(messages=[{"content": "hi"}]), "/messages/0/role", "is required")
bad("role-unknown", chat(messages=[{"role": "wizard", "content": "hi"}]), "/messages/0/role", "is not a known role")
bad("role-uppercase", chat(messages=[{"role": "USER", "content": "hi"}]), "/messages/0/role", "is not a known role")
bad("role-number", chat(messages=[{"role": 1, "content": "hi"}]), "/messages/0/role", "must be a string")
bad("second-message-bad-role", chat(messages=[{"role": "system", "content": "s"}, {"role": "robot", "content": "x"}]), "/messages/1/role", "is not a known role")
bad("content-number", chat(messages=[{"role": "user", "content": 5}]), "/messages/0/content", "must be a string, array or null")
bad("content-object", chat(messages=[{"role": "user", "content": {"text": "hi"}}]), "/messages/0/content", "must be a string, array or null")
bad("content-part-string", chat(messages=[{"role": "user", "content": ["hi"]}]), "/messages/0/content/0", "must be an object")
bad("content-part-missing-type", chat(messages=[{"role": "user", "content": [{"text": "hi"}]}]), "/messages/0/content/0/type", "is required")
bad("content-part-type-number", chat(messages=[{"role": "user", "content": [{"type": 3, "text": "hi"}]}]), "/messages/0/content/0/type", "must be a string")
bad("stream-string", chat(stream="true"), "/stream", "must be a boolean")
bad("stream-number", chat(stream=1), "/stream", "must be a boolean")
bad("max-tokens-negative", chat(max_tokens=-5), "/max_tokens", "is out of range")
bad("max-tokens-float", chat(max_tokens=1.5), "/max_tokens", "must be an integer")
bad("max-tokens-string", chat(max_tokens="100"), "/max_tokens", "must be an integer")
bad("max-tokens-too-big", chat(max_tokens=3000000000), "/max_tokens", "is out of range")
bad("max-tokens-huge-exponent", '{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":1e999999}', "/max_tokens", "must be an integer")
bad("max-completion-tokens-bool", chat(max_completion_tokens=True), "/max_completion_tokens", "must be an integer")
bad("tools-object", chat(tools={"type": "function"}), "/tools", "must be an array")
bad("tools-string", chat(tools="all"), "/tools", "must be an array")
bad("prompt-missing", {"model": "m"}, "/prompt", "is required", path=COMP)
bad("prompt-number", {"model": "m", "prompt": 5}, "/prompt", "must be a string or array", path=COMP)
bad("prompt-empty-array", {"model": "m", "prompt": []}, "/prompt", "at least one prompt", path=COMP)
bad("prompt-mixed", {"model": "m", "prompt": ["a", 1]}, "/prompt/1", "mixes kinds of prompt", path=COMP)
bad("prompt-negative-token", {"model": "m", "prompt": [1, -2]}, "/prompt/1", "is not a token id", path=COMP)
bad("prompt-empty-token-array", {"model": "m", "prompt": [[]]}, "/prompt/0", "at least one token id", path=COMP)
bad("prompt-token-array-string", {"model": "m", "prompt": [[1, "a"]]}, "/prompt/0/1", "must be a token id", path=COMP)
bad("prompt-null-element", {"model": "m", "prompt": [None]}, "/prompt/0", "must be a string, token id or array of token ids", path=COMP)
bad("prompt-unversioned-path", {"model": "m", "prompt": {"text": "x"}}, "/prompt", "must be a string or array", path="/completions")
bad("input-missing", {"model": "m"}, "/input", "is required", path=EMB)
bad("input-object", {"model": "m", "input": {"text": "x"}}, "/input", "must be a string or array", path=EMB)
bad("input-float-token", {"model": "m", "input": [1.5]}, "/input/0", "must be a string, token id or array of token ids", path=EMB)
bad("input-boolean", {"model": "m", "input": True}, "/input", "must be a string or array", path=EMB)
bad("input-token-too-big", {"model": "m", "input": [[1, 99999999999]]}, "/input/0/1", "is not a token id", path=EMB)

# --- Open Inference Protocol ------------------------------------------------------------------
def oip(name, body, pointer, message, path=OIP):
    bad(name, body, pointer, message, path=path)
oip("inputs-missing", {"outputs": []}, "/inputs", "is required")
oip("inputs-object", {"inputs": tensor()}, "/inputs", "must be an array")
oip("inputs-empty", {"inputs": []}, "/inputs", "at least one tensor")
oip("input-string", {"inputs": ["x"]}, "/inputs/0", "must be an object")
oip("input-missing-name", {"inputs": [{"shape": [1], "datatype": "FP32", "data": [1]}]}, "/inputs/0/name", "is required")
oip("input-name-number", infer(tensor(name=5)), "/inputs/0/name", "must be a string")
oip("input-name-empty", infer(tensor(name="")), "/inputs/0/name", "must name a tensor")
oip("datatype-missing", {"inputs": [{"name": "x", "shape": [1], "data": [1]}]}, "/inputs/0/datatype", "is required")
oip("datatype-unknown", infer(tensor(datatype="FP8")), "/inputs/0/datatype", "is not a tensor datatype")
oip("datatype-lowercase", infer(tensor(datatype="fp32")), "/inputs/0/datatype", "is not a tensor datatype")
oip("datatype-number", infer(tensor(datatype=32)), "/inputs/0/datatype", "must be a string")
oip("shape-missing", {"inputs": [{"name": "x", "datatype": "FP32", "data": [1]}]}, "/inputs/0/shape", "is required")
oip("shape-negative", infer(tensor(shape=[-1], data=[1])), "/inputs/0/shape/0", "is not a dimension")
oip("shape-float", infer(tensor(shape=[2.0])), "/inputs/0/shape/0", "is not a dimension")
oip("shape-string", infer(tensor(shape="2")), "/inputs/0/shape", "must be an array")
oip("shape-too-many-dims", infer(tensor(shape=[1] * 40, data=[1])), "/inputs/0/shape", "too many dimensions")
oip("data-missing", {"inputs": [{"name": "x", "shape": [1], "datatype": "FP32"}]}, "/inputs/0/data", "is required")
oip("data-scalar", infer(tensor(shape=[1], data=1.0)), "/inputs/0/data", "must be an array")
oip("data-too-short", infer(tensor(shape=[2, 2], data=[1, 2, 3])), "/inputs/0/data", "holds 3 elements but shape [2, 2] needs 4")
oip("data-too-long", infer(tensor(shape=[2], data=[1, 2, 3])), "/inputs/0/data", "holds 3 elements but shape [2] needs 2")
oip("data-for-zero-dim", infer(tensor(shape=[0, 3], data=[1])), "/inputs/0/data", "needs 0")
oip("shape-product-overflow", infer(tensor(shape=[9223372036854775807, 4], data=[1])), "/inputs/0/data", "needs at least 9223372036854775807")
oip("nested-data-wrong-count", infer(tensor(shape=[2, 2], data=[[1, 2], [3]])), "/inputs/0/data", "holds 3 elements")
oip("int8-too-big", infer(tensor(datatype="INT8", data=[1, 128])), "/inputs/0/data/1", "is out of range for INT8")
oip("int8-too-small", infer(tensor(datatype="INT8", data=[-129, 1])), "/inputs/0/data/0", "is out of range for INT8")
oip("int16-too-big", infer(tensor(datatype="INT16", data=[32768, 1])), "/inputs/0/data/0", "is out of range for INT16")
oip("int32-too-big", infer(tensor(datatype="INT32", data=[0, 2147483648])), "/inputs/0/data/1", "is out of range for INT32")
oip("int64-too-big", infer(tensor(datatype="INT64", data=[0, 9223372036854775808])), "/inputs/0/data/1", "is out of range for INT64")
oip("uint8-negative", infer(tensor(datatype="UINT8", data=[-1, 1])), "/inputs/0/data/0", "is out of range for UINT8")
oip("uint8-too-big", infer(tensor(datatype="UINT8", data=[256, 1])), "/inputs/0/data/0", "is out of range for UINT8")
oip("uint16-too-big", infer(tensor(datatype="UINT16", data=[1, 65536])), "/inputs/0/data/1", "is out of range for UINT16")
oip("uint32-too-big", infer(tensor(datatype="UINT32", data=[4294967296, 1])), "/inputs/0/data/0", "is out of range for UINT32")
oip("uint64-too-big", infer(tensor(datatype="UINT64", data=[18446744073709551616, 1])), "/inputs/0/data/0", "is out of range for UINT64")
oip("uint64-negative", infer(tensor(datatype="UINT64", data=[1, -1])), "/inputs/0/data/1", "is out of range for UINT64")
oip("int32-float-element", infer(tensor(datatype="INT32", data=[1, 1.5])), "/inputs/0/data/1", "does not match datatype INT32")
oip("int64-string-element", infer(tensor(datatype="INT64", data=["1", 2])), "/inputs/0/data/0", "does not match datatype INT64")
oip("bool-number-element", infer(tensor(datatype="BOOL", data=[True, 1])), "/inputs/0/data/1", "does not match datatype BOOL")
oip("bool-string-element", infer(tensor(datatype="BOOL", data=["true", False])), "/inputs/0/data/0", "does not match datatype BOOL")
oip("bytes-number-element", infer(tensor(datatype="BYTES", data=["a", 1])), "/inputs/0/data/1", "does not match datatype BYTES")
oip("bytes-bool-element", infer(tensor(datatype="BYTES", data=[False, "a"])), "/inputs/0/data/0", "does not match datatype BYTES")
oip("fp32-string-element", infer(tensor(data=[1.0, "2.0"])), "/inputs/0/data/1", "does not match datatype FP32")
oip("fp32-bool-element", infer(tensor(data=[True, 2.0])), "/inputs/0/data/0", "does not match datatype FP32")
oip("fp32-overflow", infer(tensor(data=[1.0, 3.5e38])), "/inputs/0/data/1", "is out of range for FP32")
oip("fp16-overflow", infer(tensor(datatype="FP16", data=[65520.0, 1.0])), "/inputs/0/data/0", "is out of range for FP16")
oip("fp16-integer-overflow", infer(tensor(datatype="FP16", data=[1, 70000])), "/inputs/0/data/1", "is out of range for FP16")
oip("bf16-overflow", infer(tensor(datatype="BF16", data=[1e39, 1.0])), "/inputs/0/data/0", "is out of range for BF16")
oip("fp64-beyond-double", '{"inputs":[{"name":"x","shape":[2],"datatype":"FP64","data":[1.0,1e400]}]}', "/inputs/0/data/1", "is out of range for FP64")
oip("null-element", infer(tensor(data=[1.0, None])), "/inputs/0/data/1", "is not a tensor element")
oip("object-element", infer(tensor(data=[{"v": 1}, 1.0])), "/inputs/0/data/0", "is not a tensor element")
oip("nested-bad-element", infer(tensor(datatype="INT8", shape=[2, 2], data=[[1, 2], [3, 999]])), "/inputs/0/data", "element 3 (row-major) is out of range for INT8")
oip("duplicate-input-names", infer(tensor(), tensor()), "/inputs/1/name", "repeats the name of another input")
oip("binary-extension", {"inputs": [{"name": "x", "shape": [2], "datatype": "FP32", "parameters": {"binary_data_size": 8}}]}, "/inputs/0/parameters/binary_data_size", "binary tensor extension")
oip("input-parameters-array", infer(tensor(parameters=[1])), "/inputs/0/parameters", "must be an object")
oip("outputs-object", {"inputs": [tensor()], "outputs": {"name": "y"}}, "/outputs", "must be an array")
oip("output-missing-name", {"inputs": [tensor()], "outputs": [{"parameters": {}}]}, "/outputs/0/name", "is required")
oip("output-name-number", {"inputs": [tensor()], "outputs": [{"name": 1}]}, "/outputs/0/name", "must be a string")
oip("id-number", {"id": 1, "inputs": [tensor()]}, "/id", "must be a string")
oip("parameters-array", {"parameters": [], "inputs": [tensor()]}, "/parameters", "must be an object")
oip("versioned-path-bad-data", infer(tensor(data=[1.0])), "/inputs/0/data", "holds 1 elements", path="/v2/models/resnet/versions/3/infer")

# --- routing headers --------------------------------------------------------------------------
def hdr(name, headers, message):
    h = dict(JSON_CT)
    h.update(headers)
    bad(name, chat(), "", message, headers=h)
hdr("ttft-not-a-number", {"x-slo-ttft-ms": "fast"}, "header x-slo-ttft-ms is not a budget")
hdr("ttft-zero", {"x-slo-ttft-ms": "0"}, "header x-slo-ttft-ms is not a budget")
hdr("ttft-alias-too-big", {"x-modelrouter-ttft-budget-ms": "3600001"}, "header x-modelrouter-ttft-budget-ms is not a budget")
hdr("budget-negative", {"x-modelrouter-latency-budget-ms": "-5"}, "header x-modelrouter-latency-budget-ms is not a budget")
hdr("budget-overflow", {"x-modelrouter-latency-budget-ms": "99999999999999999999"}, "header x-modelrouter-latency-budget-ms is not a budget")
hdr("envoy-timeout-fraction", {"x-envoy-expected-rq-timeout-ms": "1.5"}, "header x-envoy-expected-rq-timeout-ms is not a budget")
hdr("priority-unknown", {"x-modelrouter-priority": "urgent"}, "header x-modelrouter-priority has an unknown priority")
hdr("session-with-space", {"x-session-token": "a b"}, "header x-session-token is not a usable session key")
hdr("session-too-long", {"x-session-id": "s" * 300}, "header x-session-id is not a usable session key")
hdr("session-non-ascii", {"x-modelrouter-session": "s\u00e9"}, "header x-modelrouter-session is not a usable session key")
hdr("explain-yes", {"x-modelrouter-explain": "yes"}, "header x-modelrouter-explain is not a boolean")
hdr("version-empty-tag", {"x-modelrouter-model-version": "tag:"}, "header x-modelrouter-model-version is not a version selector")

for old in glob.glob("*.case"):
    os.remove(old)
for i, (name, reason, pointer, message, method, path, headers, body) in enumerate(cases, 1):
    head = "# reason: %s\n" % reason
    if pointer is not None:
        head += "# pointer: %s\n" % pointer
    head += "# message: %s\n" % message
    head += "%s %s\n" % (method, path)
    for k, v in headers.items():
        head += "%s: %s\n" % (k, v)
    with open("%03d-%s.case" % (i, name), "wb") as f:
        f.write(head.encode("utf-8") + b"\n" + body)
print(len(cases), "cases")
