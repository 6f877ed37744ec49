;; Source of headlines-wasm.ts (bin/wasm.mjs compiles it; test/log/headlines-wasm.test.ts checks
;; that the two agree). One function: every line of the input, each behind the same head.
;; Why WebAssembly: V8 compiles it to machine code when it is instantiated (Liftoff), so a log
;; flood that starts with the service is framed at full speed from its first chunk; the same
;; loop in JS runs interpreted for its first 50 chunks, then at a third of this speed.
;;
;; Memory (fixed: it never grows, so views on it stay valid):
;;   [0, 64)                head (stamp and prefix), at most 64 bytes
;;   [64, 64 + 65536)       input, at most 65536 bytes
;;   [65664, ...)           output: up to 4096 bytes the caller fills first, then at most
;;                          (64 + 1) * 65536 bytes of lines, and 64 bytes of slack
;; Stores run up to 64 bytes past a line's end; the next line overwrites them, and past the last
;; they fall in the slack. Loads of the last 16-byte block read past the input's end into bytes
;; that are masked off.
(module
  (memory (export "memory") 67)
  ;; Input [pos, end) holds complete lines only (end - 1 is a newline). Writes each line behind
  ;; the head's hlen bytes from out on; returns the end of what it wrote.
  (func (export "lines") (param $pos i32) (param $end i32) (param $hlen i32) (param $out i32) (result i32)
    (local $p i32) (local $m i32) (local $nl i32) (local $start i32) (local $len i32) (local $q i32)
    (local $h0 v128) (local $h1 v128) (local $h2 v128) (local $h3 v128) (local $nlv v128)
    (local.set $h0 (v128.load (i32.const 0)))
    (local.set $h1 (v128.load (i32.const 16)))
    (local.set $h2 (v128.load (i32.const 32)))
    (local.set $h3 (v128.load (i32.const 48)))
    (local.set $nlv (i8x16.splat (i32.const 10)))
    (local.set $start (local.get $pos))
    (local.set $p (local.get $pos))
    (block $done
      (loop $scan
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        ;; one bit per newline among the next 16 bytes; none past end
        (local.set $m (i8x16.bitmask (i8x16.eq (v128.load offset=64 (local.get $p)) (local.get $nlv))))
        (if (i32.lt_u (i32.sub (local.get $end) (local.get $p)) (i32.const 16))
          (then (local.set $m (i32.and (local.get $m)
            (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $end) (local.get $p))) (i32.const 1))))))
        (block $none
          (loop $each
            (br_if $none (i32.eqz (local.get $m)))
            (local.set $nl (i32.add (local.get $p) (i32.ctz (local.get $m))))
            (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
            (v128.store (local.get $out) (local.get $h0))
            (v128.store offset=16 (local.get $out) (local.get $h1))
            (v128.store offset=32 (local.get $out) (local.get $h2))
            (v128.store offset=48 (local.get $out) (local.get $h3))
            (local.set $out (i32.add (local.get $out) (local.get $hlen)))
            (local.set $len (i32.sub (i32.add (local.get $nl) (i32.const 1)) (local.get $start)))
            (if (i32.gt_u (local.get $len) (i32.const 256))
              (then (memory.copy (local.get $out) (i32.add (local.get $start) (i32.const 64)) (local.get $len)))
              (else
                (local.set $q (i32.const 0))
                (loop $copy
                  (v128.store (i32.add (local.get $out) (local.get $q))
                    (v128.load offset=64 (i32.add (local.get $start) (local.get $q))))
                  (local.set $q (i32.add (local.get $q) (i32.const 16)))
                  (br_if $copy (i32.lt_u (local.get $q) (local.get $len))))))
            (local.set $out (i32.add (local.get $out) (local.get $len)))
            (local.set $start (i32.add (local.get $nl) (i32.const 1)))
            (br $each)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $scan)))
    (local.get $out))
)
