import SkeinFuzzChecks

/// libFuzzer's entry point (libFuzzer supplies `main`); the property lives in `FuzzChecks`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzChecks.queryString(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
