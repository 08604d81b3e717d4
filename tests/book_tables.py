"""The gradient tables of section 4.4 (see the project's facts): the mean absolute gradient of
each weight matrix of the book's network, seed 123, input [[1., 0., -1.]].

EXACT_* and TANH_* are measured here (torch 2.13 CPU) with the exact GELU and with its tanh
approximation. The community translation's code cells print the exact GELU's numbers (its
stored values agree with EXACT_* to 6 significant digits). ENGLISH_EDITION_* is the one table
per network the English edition prints (its GELU class is the tanh approximation); the
translation's prose quotes the same table."""

EXACT_PLAIN = [
    0.0002017411752603948,
    0.00012011770741082728,
    0.0007152436883188784,
    0.0013988509308546782,
    0.005049603525549173,
]
TANH_PLAIN = [
    0.0002017359365709126,
    0.00012011162471026182,
    0.0007152041071094573,
    0.0013988733990117908,
    0.005049645435065031,
]
EXACT_SHORTCUT = [
    0.22186803817749023,
    0.20709280669689178,
    0.3292388916015625,
    0.26677730679512024,
    1.326806664466858,
]
TANH_SHORTCUT = [
    0.22169798612594604,
    0.20694109797477722,
    0.3289699852466583,
    0.26657330989837646,
    1.3258543014526367,
]
ENGLISH_EDITION_PLAIN = [
    0.00020173587836325169,
    0.0001201116101583466,
    0.0007152041653171182,
    0.001398873864673078,
    0.005049646366387606,
]
ENGLISH_EDITION_SHORTCUT = [
    0.22169792652130127,
    0.20694105327129364,
    0.32896995544433594,
    0.2665732502937317,
    1.3258541822433472,
]
NAMES = [f"layers.{i}.0.weight" for i in range(5)]
