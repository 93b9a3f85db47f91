"""Writes safetensors-torch-fixture.safetensors and .json: tensors made by PyTorch in every dtype loom reads
(except FP8, which torch 1.13 lacks), with their values as PyTorch converts them to float64, so loom's decoders
are checked against PyTorch's own conversions. Run: /usr/bin/python3 safetensors-torch-fixture.py (torch 1.13)."""
import json
import struct
from pathlib import Path

import torch

torch.manual_seed(20261125)
HERE = Path(__file__).parent

tensors = {
    "f16": (torch.randn(3, 4) * 100).to(torch.float16),
    "f16_extremes": torch.tensor([65504.0, -65504.0, 2.0**-24, -(2.0**-14), 0.0, -0.0], dtype=torch.float16),
    "bf16": (torch.randn(2, 5) * 1e20).to(torch.bfloat16),
    "f32": torch.randn(2, 3),
    "f64": torch.randn(4, dtype=torch.float64),
    "i8": torch.tensor([-128, 127, 0, -1], dtype=torch.int8),
    "u8": torch.tensor([0, 255, 17], dtype=torch.uint8),
    "i16": torch.tensor([-32768, 32767], dtype=torch.int16),
    "i32": torch.tensor([[-(2**31), 2**31 - 1]], dtype=torch.int32),
    "i64": torch.tensor([-(2**53), 2**53, 2**62, 7], dtype=torch.int64),
    "bool": torch.tensor([True, False, True]),
    "empty": torch.zeros(0, 3),
    "scalar": torch.tensor(2.5),
}
DTYPES = {
    torch.float16: "F16", torch.bfloat16: "BF16", torch.float32: "F32", torch.float64: "F64", torch.int8: "I8",
    torch.uint8: "U8", torch.int16: "I16", torch.int32: "I32", torch.int64: "I64", torch.bool: "BOOL",
}

header, chunks, offset = {"__metadata__": {"source": "torch " + torch.__version__}}, [], 0
# Widest elements first, as the reference writer does, so every tensor stays aligned.
for name, t in sorted(tensors.items(), key=lambda kv: (-kv[1].element_size(), kv[0])):
    raw = t.contiguous().view(-1).view(torch.uint8).numpy().tobytes() if t.dtype != torch.bool else bytes(t.view(-1).to(torch.uint8).tolist())
    header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
    chunks.append(raw)
    offset += len(raw)
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * (-len(text) % 8)
(HERE / "safetensors-torch-fixture.safetensors").write_bytes(struct.pack("<Q", len(text)) + text + b"".join(chunks))
expected = {name: {"shape": list(t.shape), "values": t.double().view(-1).tolist()} for name, t in tensors.items()}
(HERE / "safetensors-torch-fixture.json").write_text(json.dumps(expected) + "\n")
