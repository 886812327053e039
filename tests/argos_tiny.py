"""Build a tiny, random argos-translate package offline: a real model on the real code path.

A sentencepiece model trained on a few hundred generated lines, a one-layer CTranslate2
transformer with small random weights (the end-of-sentence logit biased so decoding stops
early) and a blank spaCy pipeline for sentence splitting, zipped as ``.argosmodel`` with one
top-level folder. The output is nonsense; the plumbing is real.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np

WORDS = [
    "bsn",
    "gemeente",
    "uwv",
    "digid",
    "work",
    "house",
    "pay",
    "contract",
    "agency",
    "help",
    "money",
    "doctor",
    "school",
    "tax",
]


def _set(root: object, path: str, value: np.ndarray) -> None:
    obj = root
    parts = path.split("/")
    for p in parts[:-1]:
        if p.startswith("layer_") and p[6:].isdigit():
            obj = obj.layer[int(p[6:])]  # type: ignore[attr-defined]
        elif p.startswith("linear_") and p[7:].isdigit() and not hasattr(obj, p):
            obj = obj.linear[int(p[7:])]  # type: ignore[attr-defined]
        elif p.startswith("embeddings_") and p[11:].isdigit() and not hasattr(obj, p):
            obj = obj.embeddings[int(p[11:])]  # type: ignore[attr-defined]
        else:
            obj = getattr(obj, p)
    setattr(obj, parts[-1], value)


def _shape(name: str, d: int, ffn: int, vocab: int) -> tuple[int, ...]:
    if name.endswith(("embeddings/weight", "embeddings_0/weight", "projection/weight")):
        return (vocab, d)
    if "layer_norm" in name:
        return (d,)
    if "ffn/linear_0" in name:
        return (ffn, d)
    if "ffn/linear_1" in name:
        return (d, ffn)
    if "self_attention/linear_0" in name:
        return (3 * d, d)
    if "/attention/linear_1" in name:
        return (2 * d, d)
    return (d, d)


def build_package(folder: Path, from_code: str, to_code: str, seed: int = 0) -> Path:
    import sentencepiece as spm
    import spacy
    from ctranslate2.specs import transformer_spec

    rng = np.random.default_rng(seed)
    lines = [" ".join(rng.choice(WORDS, size=6)) for _ in range(300)]
    sp_model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=sp_model,
        vocab_size=60,
        model_type="unigram",
        character_coverage=1.0,
        bos_id=-1,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    sp = spm.SentencePieceProcessor(model_proto=sp_model.getvalue())
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    vocab += [t for t in ("<s>", "</s>") if t not in vocab]
    d, ffn = 16, 32
    spec = transformer_spec.TransformerSpec.from_config(num_layers=1, num_heads=2)
    for name, value in spec.variables(ordered=True):
        if value is None:
            shape = _shape(name, d, ffn, len(vocab))
            if name.endswith("gamma"):
                weights = np.ones(shape, np.float32)
            elif name.endswith("beta"):
                weights = np.zeros(shape, np.float32)
            else:
                weights = (rng.standard_normal(shape) * 0.1).astype(np.float32)
            _set(spec, name, weights)
    bias = np.zeros(len(vocab), np.float32)
    bias[vocab.index("</s>")] = 8.0
    spec.decoder.projection.bias = bias
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    name = f"translate-{from_code}_{to_code}"
    pkg = folder / name
    (pkg / "model").mkdir(parents=True, exist_ok=True)
    spec.save(str(pkg / "model"))
    (pkg / "sentencepiece.model").write_bytes(sp_model.getvalue())
    spacy.blank("xx").to_disk(pkg / "spacy")
    (pkg / "metadata.json").write_text(
        json.dumps(
            {
                "package_version": "0.0.1",
                "argos_version": "1.0",
                "from_code": from_code,
                "to_code": to_code,
                "from_name": from_code,
                "to_name": to_code,
                "type": "translate",
            }
        )
    )
    archive = folder / f"{name}.argosmodel"
    with zipfile.ZipFile(archive, "w") as z:
        for root, _, files in os.walk(pkg):
            for f in files:
                full = Path(root) / f
                z.write(full, full.relative_to(folder))
    return archive
