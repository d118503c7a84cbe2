"""Our own protobuf schema for the part of Caffe's NetParameter that deploy nets and trained
.caffemodel files use, built at import time with descriptor_pb2 (no .proto file, no protoc,
no Caffe).

Only message/field *names and numbers* are Caffe's (they are the wire format and the text
format of every .prototxt/.caffemodel); the table below is written by us and holds just the
messages calib/ needs. Fields a file carries that are not listed here are kept as unknown
fields when reading a binary .caffemodel and are a parse error (naming line, column and field)
in a text .prototxt, so an unsupported attribute can never be silently ignored.
"""
from __future__ import annotations

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_PKG = "nvcalib.caffe"
_F = descriptor_pb2.FieldDescriptorProto

# scalar kinds -> protobuf field types
_T = {
    "string": _F.TYPE_STRING, "bool": _F.TYPE_BOOL, "float": _F.TYPE_FLOAT,
    "double": _F.TYPE_DOUBLE, "int32": _F.TYPE_INT32, "uint32": _F.TYPE_UINT32,
    "int64": _F.TYPE_INT64,
}

# enum name -> [(value name, number)]
ENUMS = {
    "Phase": [("TRAIN", 0), ("TEST", 1)],
    "DimCheckMode": [("STRICT", 0), ("PERMISSIVE", 1)],
    "Engine": [("DEFAULT", 0), ("CAFFE", 1), ("CUDNN", 2)],
    "PoolMethod": [("MAX", 0), ("AVE", 1), ("STOCHASTIC", 2)],
    "RoundMode": [("CEIL", 0), ("FLOOR", 1)],
    "NormRegion": [("ACROSS_CHANNELS", 0), ("WITHIN_CHANNEL", 1)],
    "EltwiseOp": [("PROD", 0), ("SUM", 1), ("MAX", 2)],
    "VarianceNorm": [("FAN_IN", 0), ("FAN_OUT", 1), ("AVERAGE", 2)],
    "DB": [("LEVELDB", 0), ("LMDB", 1)],
    "NormalizationMode": [("FULL", 0), ("VALID", 1), ("BATCH_SIZE", 2), ("NONE", 3)],
}

# message -> [(field name, number, kind, label 'o'|'r'|'p' (packed repeated), default or None)]
# kind: a scalar kind above, 'enum:<Enum>' or 'msg:<Message>'.
MESSAGES = {
    "BlobShape": [("dim", 1, "int64", "p", None)],
    "BlobProto": [
        ("shape", 7, "msg:BlobShape", "o", None),
        ("data", 5, "float", "p", None), ("diff", 6, "float", "p", None),
        ("double_data", 8, "double", "p", None), ("double_diff", 9, "double", "p", None),
        ("num", 1, "int32", "o", None), ("channels", 2, "int32", "o", None),
        ("height", 3, "int32", "o", None), ("width", 4, "int32", "o", None),
    ],
    "ParamSpec": [
        ("name", 1, "string", "o", None), ("share_mode", 2, "enum:DimCheckMode", "o", None),
        ("lr_mult", 3, "float", "o", "1"), ("decay_mult", 4, "float", "o", "1"),
    ],
    "NetStateRule": [
        ("phase", 1, "enum:Phase", "o", None), ("min_level", 2, "int32", "o", None),
        ("max_level", 3, "int32", "o", None), ("stage", 4, "string", "r", None),
        ("not_stage", 5, "string", "r", None),
    ],
    "FillerParameter": [
        ("type", 1, "string", "o", "constant"), ("value", 2, "float", "o", "0"),
        ("min", 3, "float", "o", "0"), ("max", 4, "float", "o", "1"),
        ("mean", 5, "float", "o", "0"), ("std", 6, "float", "o", "1"),
        ("sparse", 7, "int32", "o", "-1"), ("variance_norm", 8, "enum:VarianceNorm", "o", None),
    ],
    "TransformationParameter": [
        ("scale", 1, "float", "o", "1"), ("mirror", 2, "bool", "o", "false"),
        ("crop_size", 3, "uint32", "o", "0"), ("mean_file", 4, "string", "o", None),
        ("mean_value", 5, "float", "r", None), ("force_color", 6, "bool", "o", "false"),
        ("force_gray", 7, "bool", "o", "false"),
    ],
    "DataParameter": [
        ("source", 1, "string", "o", None), ("batch_size", 4, "uint32", "o", None),
        ("rand_skip", 7, "uint32", "o", "0"), ("backend", 8, "enum:DB", "o", None),
        ("scale", 2, "float", "o", "1"), ("mean_file", 3, "string", "o", None),
        ("crop_size", 5, "uint32", "o", "0"), ("mirror", 6, "bool", "o", "false"),
        ("force_encoded_color", 9, "bool", "o", "false"), ("prefetch", 10, "uint32", "o", "4"),
    ],
    "LossParameter": [
        ("ignore_label", 1, "int32", "o", None), ("normalization", 3, "enum:NormalizationMode", "o", "VALID"),
        ("normalize", 2, "bool", "o", None),
    ],
    "AccuracyParameter": [
        ("top_k", 1, "uint32", "o", "1"), ("axis", 2, "int32", "o", "1"),
        ("ignore_label", 3, "int32", "o", None),
    ],
    "ConvolutionParameter": [
        ("num_output", 1, "uint32", "o", None), ("bias_term", 2, "bool", "o", "true"),
        ("pad", 3, "uint32", "r", None), ("kernel_size", 4, "uint32", "r", None),
        ("stride", 6, "uint32", "r", None), ("dilation", 18, "uint32", "r", None),
        ("pad_h", 9, "uint32", "o", "0"), ("pad_w", 10, "uint32", "o", "0"),
        ("kernel_h", 11, "uint32", "o", None), ("kernel_w", 12, "uint32", "o", None),
        ("stride_h", 13, "uint32", "o", None), ("stride_w", 14, "uint32", "o", None),
        ("group", 5, "uint32", "o", "1"),
        ("weight_filler", 7, "msg:FillerParameter", "o", None),
        ("bias_filler", 8, "msg:FillerParameter", "o", None),
        ("engine", 15, "enum:Engine", "o", None), ("axis", 16, "int32", "o", "1"),
        ("force_nd_im2col", 17, "bool", "o", "false"),
    ],
    "PoolingParameter": [
        ("pool", 1, "enum:PoolMethod", "o", "MAX"), ("pad", 4, "uint32", "o", "0"),
        ("pad_h", 9, "uint32", "o", "0"), ("pad_w", 10, "uint32", "o", "0"),
        ("kernel_size", 2, "uint32", "o", None), ("kernel_h", 5, "uint32", "o", None),
        ("kernel_w", 6, "uint32", "o", None), ("stride", 3, "uint32", "o", "1"),
        ("stride_h", 7, "uint32", "o", None), ("stride_w", 8, "uint32", "o", None),
        ("engine", 11, "enum:Engine", "o", None), ("global_pooling", 12, "bool", "o", "false"),
        ("round_mode", 13, "enum:RoundMode", "o", "CEIL"),
    ],
    "InnerProductParameter": [
        ("num_output", 1, "uint32", "o", None), ("bias_term", 2, "bool", "o", "true"),
        ("weight_filler", 3, "msg:FillerParameter", "o", None),
        ("bias_filler", 4, "msg:FillerParameter", "o", None),
        ("axis", 5, "int32", "o", "1"), ("transpose", 6, "bool", "o", "false"),
    ],
    "InputParameter": [("shape", 1, "msg:BlobShape", "r", None)],
    "LRNParameter": [
        ("local_size", 1, "uint32", "o", "5"), ("alpha", 2, "float", "o", "1"),
        ("beta", 3, "float", "o", "0.75"), ("norm_region", 4, "enum:NormRegion", "o", "ACROSS_CHANNELS"),
        ("k", 5, "float", "o", "1"), ("engine", 6, "enum:Engine", "o", None),
    ],
    "BatchNormParameter": [
        ("use_global_stats", 1, "bool", "o", None), ("moving_average_fraction", 2, "float", "o", "0.999"),
        ("eps", 3, "float", "o", "1e-5"),
    ],
    "ScaleParameter": [
        ("axis", 1, "int32", "o", "1"), ("num_axes", 2, "int32", "o", "1"),
        ("filler", 3, "msg:FillerParameter", "o", None), ("bias_term", 4, "bool", "o", "false"),
        ("bias_filler", 5, "msg:FillerParameter", "o", None),
    ],
    "EltwiseParameter": [
        ("operation", 1, "enum:EltwiseOp", "o", "SUM"), ("coeff", 2, "float", "r", None),
        ("stable_prod_grad", 3, "bool", "o", "true"),
    ],
    "ReLUParameter": [
        ("negative_slope", 1, "float", "o", "0"), ("engine", 2, "enum:Engine", "o", None),
    ],
    "SoftmaxParameter": [
        ("engine", 1, "enum:Engine", "o", None), ("axis", 2, "int32", "o", "1"),
    ],
    "DropoutParameter": [("dropout_ratio", 1, "float", "o", "0.5")],
    "ConcatParameter": [("axis", 2, "int32", "o", "1"), ("concat_dim", 1, "uint32", "o", "1")],
    "PowerParameter": [("power", 1, "float", "o", "1"), ("scale", 2, "float", "o", "1"),
                       ("shift", 3, "float", "o", "0")],
    "FlattenParameter": [("axis", 1, "int32", "o", "1"), ("end_axis", 2, "int32", "o", "-1")],
    "LayerParameter": [
        ("name", 1, "string", "o", None), ("type", 2, "string", "o", None),
        ("bottom", 3, "string", "r", None), ("top", 4, "string", "r", None),
        ("phase", 10, "enum:Phase", "o", None), ("loss_weight", 5, "float", "r", None),
        ("param", 6, "msg:ParamSpec", "r", None), ("blobs", 7, "msg:BlobProto", "r", None),
        ("propagate_down", 11, "bool", "r", None),
        ("include", 8, "msg:NetStateRule", "r", None), ("exclude", 9, "msg:NetStateRule", "r", None),
        ("transform_param", 100, "msg:TransformationParameter", "o", None),
        ("loss_param", 101, "msg:LossParameter", "o", None),
        ("accuracy_param", 102, "msg:AccuracyParameter", "o", None),
        ("batch_norm_param", 139, "msg:BatchNormParameter", "o", None),
        ("concat_param", 104, "msg:ConcatParameter", "o", None),
        ("convolution_param", 106, "msg:ConvolutionParameter", "o", None),
        ("data_param", 107, "msg:DataParameter", "o", None),
        ("dropout_param", 108, "msg:DropoutParameter", "o", None),
        ("eltwise_param", 110, "msg:EltwiseParameter", "o", None),
        ("flatten_param", 135, "msg:FlattenParameter", "o", None),
        ("inner_product_param", 117, "msg:InnerProductParameter", "o", None),
        ("input_param", 143, "msg:InputParameter", "o", None),
        ("lrn_param", 118, "msg:LRNParameter", "o", None),
        ("pooling_param", 121, "msg:PoolingParameter", "o", None),
        ("power_param", 122, "msg:PowerParameter", "o", None),
        ("relu_param", 123, "msg:ReLUParameter", "o", None),
        ("scale_param", 142, "msg:ScaleParameter", "o", None),
        ("softmax_param", 125, "msg:SoftmaxParameter", "o", None),
    ],
    # The pre-2015 "layers" (V1) format: only its name is read, to give a clear error.
    "V1LayerParameter": [("name", 4, "string", "o", None)],
    "NetParameter": [
        ("name", 1, "string", "o", None), ("input", 3, "string", "r", None),
        ("input_shape", 8, "msg:BlobShape", "r", None), ("input_dim", 4, "int32", "r", None),
        ("force_backward", 5, "bool", "o", "false"), ("debug_info", 7, "bool", "o", "false"),
        ("layer", 100, "msg:LayerParameter", "r", None),
        ("layers", 2, "msg:V1LayerParameter", "r", None),
    ],
}


def _build():
    fdp = descriptor_pb2.FileDescriptorProto(name="nvcalib_caffe_subset.proto", package=_PKG,
                                             syntax="proto2")
    # Enum value names are scoped to the enclosing message in protobuf, so (as in Caffe) each
    # enum is nested in the first message that uses it (MAX exists in two enums).
    owner = {}
    for mname, fields in MESSAGES.items():
        for _, _, kind, _, _ in fields:
            if kind.startswith("enum:"):
                owner.setdefault(kind[5:], mname)
    for mname, fields in MESSAGES.items():
        m = fdp.message_type.add(name=mname)
        for ename in [e for e, o in owner.items() if o == mname]:
            e = m.enum_type.add(name=ename)
            for vname, num in ENUMS[ename]:
                e.value.add(name=vname, number=num)
        for fname, num, kind, label, default in fields:
            f = m.field.add(name=fname, number=num)
            f.label = _F.LABEL_REPEATED if label in "rp" else _F.LABEL_OPTIONAL
            if label == "p":
                f.options.packed = True
            if kind.startswith("msg:"):
                f.type = _F.TYPE_MESSAGE
                f.type_name = f".{_PKG}.{kind[4:]}"
            elif kind.startswith("enum:"):
                f.type = _F.TYPE_ENUM
                f.type_name = f".{_PKG}.{owner[kind[5:]]}.{kind[5:]}"
            else:
                f.type = _T[kind]
            if default is not None:
                f.default_value = default
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return {name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{_PKG}.{name}"))
            for name in MESSAGES}


_CLASSES = _build()
NetParameter = _CLASSES["NetParameter"]
LayerParameter = _CLASSES["LayerParameter"]
BlobProto = _CLASSES["BlobProto"]
BlobShape = _CLASSES["BlobShape"]
