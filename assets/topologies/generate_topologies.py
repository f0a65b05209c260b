#!/usr/bin/env python3
"""Generates the SCALE-Sim-format topology CSVs in this folder from the published architectures.

Shapes only (README.md cites each paper). Conv rows use SCALE-Sim's conv form; SCALE-Sim has no padding,
so each input is written at the size its windows actually read, (out - 1) * stride + kernel, which makes
SCALE-Sim's output size ceil((H - R + S) / S) equal the network's. Fully connected layers are 1x1
convolutions over a 1x1 input with the features as channels. Depthwise rows carry "_DP" in their name
(SCALE-Sim's marker: one GEMM per channel). Pooling, activations and normalization are not rows: SCALE-Sim
topologies list the array layers only.

Run: python3 assets/topologies/generate_topologies.py   (rewrites the CSVs next to this script)
"""
import os

CONV_HEADER = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
GEMM_HEADER = "Layer Name, M, N, K,\n"


class Net:
    def __init__(self, size):
        self.rows = []
        self.h = size  # current square feature-map size

    def conv(self, name, k, c, n, stride=1, pad=None):
        """A k x k convolution of the current map; pad defaults to 'same' (k // 2)."""
        pad = k // 2 if pad is None else pad
        out = (self.h + 2 * pad - k) // stride + 1
        h_eff = (out - 1) * stride + k
        self.rows.append((name, h_eff, h_eff, k, k, c, n, stride))
        self.h = out
        return out

    def dw(self, name, k, c, stride=1):
        out = (self.h + 2 * (k // 2) - k) // stride + 1
        h_eff = (out - 1) * stride + k
        self.rows.append((name + "_DP", h_eff, h_eff, k, k, c, 1, stride))
        self.h = out

    def pool(self, k, stride, pad=0):
        self.h = (self.h + 2 * pad - k) // stride + 1

    def fc(self, name, k, n):
        self.rows.append((name, 1, 1, 1, 1, k, n, 1))

    def text(self):
        return CONV_HEADER + "".join(", ".join(str(x) for x in r) + ",\n" for r in self.rows)


def alexnet():
    # Krizhevsky, Sutskever, Hinton, NeurIPS 2012 (one tower, 227x227 input as in the reference models).
    n = Net(227)
    n.conv("Conv1", 11, 3, 96, stride=4, pad=0)  # 55
    n.pool(3, 2)                                # 27
    n.conv("Conv2", 5, 96, 256)
    n.pool(3, 2)                                # 13
    n.conv("Conv3", 3, 256, 384)
    n.conv("Conv4", 3, 384, 384)
    n.conv("Conv5", 3, 384, 256)
    n.pool(3, 2)                                # 6
    n.fc("FC6", 6 * 6 * 256, 4096)
    n.fc("FC7", 4096, 4096)
    n.fc("FC8", 4096, 1000)
    return n.text()


def vgg16():
    # Simonyan & Zisserman, ICLR 2015, configuration D.
    n = Net(224)
    c = 3
    for stage, (width, convs) in enumerate([(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)], start=1):
        for i in range(1, convs + 1):
            n.conv(f"Conv{stage}_{i}", 3, c, width)
            c = width
        n.pool(2, 2)
    n.fc("FC6", 7 * 7 * 512, 4096)
    n.fc("FC7", 4096, 4096)
    n.fc("FC8", 4096, 1000)
    return n.text()


def resnet(blocks, bottleneck):
    # He, Zhang, Ren, Sun, CVPR 2016 (Table 1). Bottlenecks stride in the 3x3 conv (the "v1.5" placement
    # used by MLPerf and torchvision); projection shortcuts (1x1) where the shape changes.
    n = Net(224)
    n.conv("Conv1", 7, 3, 64, stride=2)  # 112
    n.pool(3, 2, pad=1)                  # 56
    c = 64
    for stage, (width, count) in enumerate(zip([64, 128, 256, 512], blocks), start=2):
        for b in range(count):
            stride = 2 if (b == 0 and stage > 2) else 1
            pre = f"Conv{stage}_{b + 1}"
            h_in = n.h
            out_c = width * 4 if bottleneck else width
            if bottleneck:
                n.conv(pre + "a", 1, c, width)
                n.conv(pre + "b", 3, width, width, stride=stride)
                n.conv(pre + "c", 1, width, out_c)
            else:
                n.conv(pre + "a", 3, c, width, stride=stride)
                n.conv(pre + "b", 3, width, width)
            if stride != 1 or c != out_c:
                h_out = n.h
                n.h = h_in
                n.conv(pre + "_proj", 1, c, out_c, stride=stride, pad=0)
                assert n.h == h_out
            c = out_c
    n.fc("FC", c, 1000)
    return n.text()


def mobilenet_v1():
    # Howard et al., arXiv:1704.04861, Table 1 (width multiplier 1.0, 224x224).
    n = Net(224)
    n.conv("Conv1", 3, 3, 32, stride=2)
    c = 32
    plan = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]
    for i, (out, s) in enumerate(plan, start=2):
        n.dw(f"Conv{i}_dw", 3, c, stride=s)
        n.conv(f"Conv{i}_pw", 1, c, out)
        c = out
    n.fc("FC", 1024, 1000)
    return n.text()


def mobilenet_v2():
    # Sandler et al., CVPR 2018, Table 2 (expansion t, channels c, repeats n, stride s).
    n = Net(224)
    n.conv("Conv1", 3, 3, 32, stride=2)
    c = 32
    block = 0
    for t, out, reps, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                            (6, 160, 3, 2), (6, 320, 1, 1)]:
        for r in range(reps):
            block += 1
            hidden = c * t
            if t != 1:
                n.conv(f"B{block}_expand", 1, c, hidden)
            n.dw(f"B{block}_dw", 3, hidden, stride=s if r == 0 else 1)
            n.conv(f"B{block}_project", 1, hidden, out)
            c = out
    n.conv("Conv_last", 1, c, 1280)
    n.fc("FC", 1280, 1000)
    return n.text()


def bert_base_layer(seq):
    # Devlin et al., NAACL 2019: BERT-base, hidden 768, 12 heads of 64, feed-forward 3072. One encoder
    # layer's GEMMs for one sequence of `seq` tokens (M, N, K of out[M x N] = in[M x K] * W[K x N]).
    rows = [("Q_proj", seq, 768, 768), ("K_proj", seq, 768, 768), ("V_proj", seq, 768, 768)]
    rows += [(f"QK_scores_h{h}", seq, seq, 64) for h in range(12)]
    rows += [(f"AttnV_h{h}", seq, 64, seq) for h in range(12)]
    rows += [("Out_proj", seq, 768, 768), ("FFN1", seq, 3072, 768), ("FFN2", seq, 768, 3072)]
    return GEMM_HEADER + "".join(f"{a}, {m}, {nn}, {k},\n" for a, m, nn, k in rows)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    files = {
        "alexnet.csv": alexnet(),
        "vgg16.csv": vgg16(),
        "resnet18.csv": resnet([2, 2, 2, 2], bottleneck=False),
        "resnet50.csv": resnet([3, 4, 6, 3], bottleneck=True),
        "mobilenet_v1.csv": mobilenet_v1(),
        "mobilenet_v2.csv": mobilenet_v2(),
        "bert_base_seq128.csv": bert_base_layer(128),
        "bert_base_seq512.csv": bert_base_layer(512),
    }
    for name, text in files.items():
        with open(os.path.join(here, name), "w") as f:
            f.write(text)
        print(f"{name}: {text.count(chr(10)) - 1} layers")


if __name__ == "__main__":
    main()
