"""Attention families whose eager code differs from GPT-2/BERT/Llama, each written after Hugging Face's own
modeling file and keeping its attribute names (so torch.onnx names nodes the way optimum exports do):

  OPT      modeling_opt.py      q scaled before Q·Kᵀ, 3-D [B·H, S, S] bmm, Softmax on 3-D scores
  BLOOM    modeling_bloom.py    ALiBi bias, baddbmm(alibi, q, kᵀ, beta=1, alpha=1/√d) on 3-D, Kᵀ made 3-D directly
  BART     modeling_bart.py     encoder self-attention: q scaled before Q·Kᵀ, 3-D bmm, Softmax on 3-D scores
  T5       modeling_t5.py       encoder: no 1/√d scale, bucketed relative position bias (layer 0's table, shared)
  GPT-NeoX modeling_gpt_neox.py partial rotary (first rotary_pct of each head), fused interleaved QKV, baddbmm
  Gemma 2  modeling_gemma2.py   scale = query_pre_attn_scalar^-0.5, tanh soft-capping, sliding window on even layers

One module per family (OPT and the BART encoder share one: OPT copied BART's attention), plus common.py.
Every class is inference-only and small; the fixture makers in make_fixtures.py export them.
Run with Debian's /usr/bin/python3 (torch 1.13, onnx 1.12).
"""
