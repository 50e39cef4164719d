#!/usr/bin/env python3
"""The training step of tune4j's two optimizer-comparison recipes, written in plain PyTorch, to time and size the same
work in Python on the same machine as `tune4j bench train` (README "Where the time goes").

Same shapes as the recipes: MiniLM (BERT, 6 layers, 384 wide, 12 heads, 1536 intermediate, 30522 words, dropout 0.1,
mean pooling, 2 classes) as bert-spam-optimizers trains it, and the tiny Llama-2 (2 layers, 64 wide, 4 heads, 2
key/value heads, 172 intermediate, 32000 words, untied head) as llama-mobydick-optimizers trains it; batch 8 x 64
tokens, AdamW, the global gradient norm clipped to 1.0. Weights are random (the same shapes cost the same) and every
token is real (tune4j's MiniLM batches average 510 of 512). The loss is written the way Hugging Face writes it (the
Llama logits shifted with a contiguous copy, then cross-entropy), and the gradients are set to None after each step,
PyTorch 2's default.

It prints the medians of the step and its phases, tokens/s, the process's peak RSS (VmHWM, as tune4j reports its own:
the whole process, libraries included) and, with --dropout-cost, the step with dropout 0.1 against none in alternation.
`--matmul` times the BERT-shaped product [1024x384]x[384x1536].

    apt-get install python3-torch libopenblas0-pthread    # Debian's PyTorch, for Debian's /usr/bin/python3
    /usr/bin/python3 scripts/reference/pytorch_train_step.py minilm --steps 20
    /usr/bin/python3 scripts/reference/pytorch_train_step.py llama --steps 40
    /usr/bin/python3 scripts/reference/pytorch_train_step.py minilm --dropout-cost --steps 20
    /usr/bin/python3 scripts/reference/pytorch_train_step.py --matmul
"""
import argparse
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH, LENGTH = 8, 64


def status_mib(key):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(key)


class BertLayer(nn.Module):
    def __init__(self, hidden, heads, intermediate, dropout):
        super().__init__()
        self.heads, self.dropout = heads, dropout
        self.query, self.key, self.value, self.output = (nn.Linear(hidden, hidden) for _ in range(4))
        self.attention_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.up, self.down = nn.Linear(hidden, intermediate), nn.Linear(intermediate, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x, additive_mask):
        b, t, h = x.shape
        d = h // self.heads

        def split(y):  # [B, T, H] -> [B, heads, T, d]
            return y.view(b, t, self.heads, d).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        probabilities = ((q @ k.transpose(-1, -2)) / math.sqrt(d) + additive_mask).softmax(-1)
        probabilities = F.dropout(probabilities, self.dropout, self.training)
        context = (probabilities @ v).transpose(1, 2).reshape(b, t, h)
        x = self.attention_norm(x + F.dropout(self.output(context), self.dropout, self.training))
        y = self.down(F.gelu(self.up(x)))
        return self.output_norm(x + F.dropout(y, self.dropout, self.training))


class MiniLmClassifier(nn.Module):
    def __init__(self, dropout=0.1):
        super().__init__()
        self.dropout = dropout
        self.words, self.positions, self.types = nn.Embedding(30522, 384), nn.Embedding(512, 384), nn.Embedding(2, 384)
        self.embedding_norm = nn.LayerNorm(384, eps=1e-12)
        self.layers = nn.ModuleList(BertLayer(384, 12, 1536, dropout) for _ in range(6))
        self.classifier = nn.Linear(384, 2)

    def loss(self, ids, mask, labels):
        positions = torch.arange(ids.shape[1])
        x = self.words(ids) + self.positions(positions) + self.types(torch.zeros_like(ids))
        x = F.dropout(self.embedding_norm(x), self.dropout, self.training)
        additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, additive)
        weights = mask.unsqueeze(-1).float()
        pooled = (x * weights).sum(1) / weights.sum(1)  # mean pooling over real tokens
        return F.cross_entropy(self.classifier(pooled), labels)


def rotate(x, cos, sin):  # rotary embedding, half-split layout as Llama-2's Hugging Face form
    first, second = x.chunk(2, dim=-1)
    return x * cos + torch.cat((-second, first), dim=-1) * sin


class LlamaLayer(nn.Module):
    def __init__(self, hidden, heads, kv_heads, intermediate):
        super().__init__()
        self.heads, self.kv_heads, self.d = heads, kv_heads, hidden // heads
        self.q = nn.Linear(hidden, hidden, bias=False)
        self.k = nn.Linear(hidden, kv_heads * self.d, bias=False)
        self.v = nn.Linear(hidden, kv_heads * self.d, bias=False)
        self.o = nn.Linear(hidden, hidden, bias=False)
        self.gate = nn.Linear(hidden, intermediate, bias=False)
        self.up = nn.Linear(hidden, intermediate, bias=False)
        self.down = nn.Linear(intermediate, hidden, bias=False)
        self.attention_norm = nn.Parameter(torch.ones(hidden))
        self.mlp_norm = nn.Parameter(torch.ones(hidden))

    @staticmethod
    def rms(x, weight):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * weight

    def forward(self, x, cos, sin, causal):
        b, t, h = x.shape
        y = self.rms(x, self.attention_norm)
        q = rotate(self.q(y).view(b, t, self.heads, self.d).transpose(1, 2), cos, sin)
        k = rotate(self.k(y).view(b, t, self.kv_heads, self.d).transpose(1, 2), cos, sin)
        v = self.v(y).view(b, t, self.kv_heads, self.d).transpose(1, 2)
        repeat = self.heads // self.kv_heads
        k, v = k.repeat_interleave(repeat, dim=1), v.repeat_interleave(repeat, dim=1)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(self.d) + causal
        x = x + self.o((scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, h))
        y = self.rms(x, self.mlp_norm)
        return x + self.down(F.silu(self.gate(y)) * self.up(y))


class TinyLlama(nn.Module):
    def __init__(self, hidden=64, layers=2, heads=4, kv_heads=2, intermediate=172, vocab=32000):
        super().__init__()
        self.embed = nn.Embedding(vocab, hidden)
        self.layers = nn.ModuleList(LlamaLayer(hidden, heads, kv_heads, intermediate) for _ in range(layers))
        self.norm = nn.Parameter(torch.ones(hidden))
        self.head = nn.Linear(hidden, vocab, bias=False)
        d = hidden // heads
        inverse = 1.0 / (10000.0 ** (torch.arange(0, d, 2).float() / d))
        angles = torch.outer(torch.arange(LENGTH).float(), inverse)
        angles = torch.cat((angles, angles), dim=-1)
        self.cos, self.sin = angles.cos(), angles.sin()
        self.causal = torch.full((LENGTH, LENGTH), torch.finfo(torch.float32).min).triu(1)

    def loss(self, ids, mask, labels):
        x = self.embed(ids)
        for layer in self.layers:
            x = layer(x, self.cos, self.sin, self.causal)
        logits = self.head(LlamaLayer.rms(x, self.norm))
        shifted = logits[:, :-1, :].contiguous()  # as Hugging Face's LlamaForCausalLM
        return F.cross_entropy(shifted.view(-1, shifted.shape[-1]), labels[:, 1:].reshape(-1))


def build(shape, seed):
    torch.manual_seed(seed)
    if shape == "minilm":
        model, lr, vocab = MiniLmClassifier(), 3e-4, 30522
        labels = torch.randint(0, 2, (BATCH,))
    else:
        model, lr, vocab = TinyLlama(), 1e-2, 32000
        labels = None
    ids = torch.randint(0, vocab, (BATCH, LENGTH))
    mask = torch.ones(BATCH, LENGTH, dtype=torch.long)
    if labels is None:
        labels = ids
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]  # biases and norms, as the recipes group them
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=lr)
    return model, optimizer, (ids, mask, labels)


def step(model, optimizer, batch):
    start = time.perf_counter()
    loss = model.loss(*batch)
    loss_value = loss.item()
    forward_done = time.perf_counter()
    loss.backward()
    backward_done = time.perf_counter()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    end = time.perf_counter()
    return loss_value, (end - start, forward_done - start, backward_done - forward_done, end - backward_done)


def median_ms(times, index):
    return statistics.median(t[index] for t in times) * 1e3


def train(args):
    model, optimizer, batch = build(args.shape, args.seed)
    model.train()
    parameters = sum(p.numel() for p in model.parameters())
    rss_before = status_mib("VmRSS")
    for _ in range(args.warmup):
        step(model, optimizer, batch)
    times = [step(model, optimizer, batch)[1] for _ in range(args.steps)]
    tokens = BATCH * LENGTH
    print(f"pytorch {torch.__version__}, {torch.get_num_threads()} threads: {args.shape}, {parameters:,} parameters"
          f" ({parameters * 4 / 2**20:.1f} MiB), {args.steps} timed steps after {args.warmup} warm-up steps;"
          f" batch {BATCH} x {LENGTH} tokens")
    print(f"median step {median_ms(times, 0):.1f} ms: forward {median_ms(times, 1):.1f}, backward"
          f" {median_ms(times, 2):.1f}, clip + optimizer {median_ms(times, 3):.1f}")
    print(f"tokens/s {tokens / (median_ms(times, 0) / 1e3):.0f}")
    print(f"RSS before training {rss_before:.1f} MiB; peak RSS {status_mib('VmHWM'):.1f} MiB")


def dropout_cost(args):
    model, optimizer, batch = build(args.shape, args.seed)
    if args.shape != "minilm":
        raise SystemExit("--dropout-cost is for minilm (the tiny Llama has no dropout)")
    model.train()
    for _ in range(args.warmup):
        step(model, optimizer, batch)
    with_dropout, without = [], []
    for _ in range(args.steps):  # alternating, so a change in the machine's speed hits both alike
        model.train(True)
        with_dropout.append(step(model, optimizer, batch)[1])
        model.train(False)  # no other part of the model depends on the mode: this only turns dropout off
        without.append(step(model, optimizer, batch)[1])
    for name, index in (("step", 0), ("forward", 1), ("backward", 2)):
        a, b = median_ms(with_dropout, index), median_ms(without, index)
        print(f"{name}: dropout 0.1 {a:.1f} ms, no dropout {b:.1f} ms, cost {a - b:+.1f} ms")


def matmul(args):
    a, b = torch.randn(1024, 384), torch.randn(384, 1536)
    for _ in range(5):
        a @ b
    times = []
    for _ in range(200):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    print(f"matmul [1024x384]x[384x1536], {torch.get_num_threads()} threads: median"
          f" {2 * 1024 * 384 * 1536 / statistics.median(times) / 1e9:.1f} GFLOP/s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shape", nargs="?", choices=["minilm", "llama"], default="minilm")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads (tune4j's libtorch uses every core)")
    parser.add_argument("--dropout-cost", action="store_true")
    parser.add_argument("--matmul", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.matmul:
        matmul(args)
    elif args.dropout_cost:
        dropout_cost(args)
    else:
        train(args)


if __name__ == "__main__":
    main()
