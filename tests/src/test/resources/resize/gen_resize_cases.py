"""Writes resize_cases.json and the input PNGs: bicubic resizes of random 8-bit RGB images by
(1) Pillow 12.3.0 itself, Image.resize(BICUBIC) - the image processor's reference - and
(2) torchvision's CPU resize(uint8, BICUBIC, antialias=True) - the video processor's reference - emulated here in
plain Python from PyTorch's aten/src/ATen/native/cpu/UpSampleKernel.cpp (_compute_indices_min_size_weights_aa,
_compute_index_ranges_int16_weights, basic_loop_aa_horizontal/vertical<uint8_t>; width pass first), because no
PyTorch with the native uint8 kernel (2.1+) is installable here. Seeded; run: python gen_resize_cases.py
"""
import json
import math
import random
from pathlib import Path

import PIL
from PIL import Image

assert PIL.__version__ == "12.3.0", PIL.__version__
HERE = Path(__file__).parent


def torch_cubic(x):
    a = -0.5
    x = abs(x)
    if x < 1.0:
        return ((a + 2) * x - (a + 3)) * x * x + 1
    if x < 2.0:
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return 0.0


def c_int(v):  # C's (int) conversion of a double: truncation toward zero
    return int(v)


def torch_axis(n_in, n_out):
    scale = n_in / n_out
    support = 2.0 * scale if scale >= 1.0 else 2.0
    taps = int(math.ceil(support)) * 2 + 1
    invscale = 1.0 / scale if scale >= 1.0 else 1.0
    rows, wt_max = [], 0.0
    for i in range(n_out):
        center = scale * (i + 0.5)
        xmin = max(c_int(center - support + 0.5), 0)
        xsize = min(max(min(c_int(center + support + 0.5), n_in) - xmin, 0), taps)
        w = [torch_cubic((j + xmin - center + 0.5) * invscale) for j in range(xsize)]
        total = 0.0
        for v in w:
            total += v
        if total != 0.0:
            w = [v / total for v in w]
            wt_max = max([wt_max] + w)
        rows.append((xmin, w))
    p = 0
    while p < 22 and c_int(0.5 + wt_max * (1 << (p + 1))) < (1 << 15):
        p += 1
    quant = [(xmin, [c_int(-0.5 + v * (1 << p)) if v * (1 << p) < 0 else c_int(0.5 + v * (1 << p)) for v in w]) for xmin, w in rows]
    return quant, p


def torch_resize(img, out_w, out_h):
    w, h = img.size
    px = [list(img.getpixel((x, y))) for y in range(h) for x in range(w)]
    if out_w != w:
        axis, p = torch_axis(w, out_w)
        mid = []
        for y in range(h):
            for x in range(out_w):
                xmin, ws = axis[x]
                mid.append([max(0, min(255, ((1 << (p - 1)) + sum(px[y * w + xmin + k][c] * ws[k] for k in range(len(ws)))) >> p)) for c in range(3)])
        px, w = mid, out_w
    if out_h != h:
        axis, p = torch_axis(h, out_h)
        out = []
        for y in range(out_h):
            ymin, ws = axis[y]
            for x in range(w):
                out.append([max(0, min(255, ((1 << (p - 1)) + sum(px[(ymin + k) * w + x][c] * ws[k] for k in range(len(ws)))) >> p)) for c in range(3)])
        px, h = out, out_h
    return bytes(v for p3 in px for v in p3)


rng = random.Random(7)
cases = []
for name, (w, h), (ow, oh) in [("down_both", (61, 45), (56, 28)), ("down_height", (30, 90), (30, 84)),
                              ("up_both", (20, 30), (28, 56)), ("mixed", (90, 40), (56, 84))]:
    img = Image.new("RGB", (w, h))
    img.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(w * h)])
    img.save(HERE / f"{name}.png")
    pillow = img.resize((ow, oh), Image.BICUBIC).tobytes()
    torch = torch_resize(img, ow, oh)
    differ = sum(1 for a, b in zip(pillow, torch) if a != b)
    cases.append({"name": name, "input": f"{name}.png", "width": ow, "height": oh,
                  "pillow": pillow.hex(), "torch": torch.hex(), "values_that_differ": differ})
    print(name, "values where Pillow and torch differ:", differ)
(HERE / "resize_cases.json").write_text(json.dumps({"pillow": PIL.__version__, "cases": cases}, indent=1) + "\n")
