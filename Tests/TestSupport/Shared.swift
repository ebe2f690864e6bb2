import Foundation

/// A value computed once, on first use, by whichever thread asks first; failures are remembered too.
public final class Once<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Value, any Error>?
    private let make: @Sendable () throws -> Value

    public init(_ make: @escaping @Sendable () throws -> Value) {
        self.make = make
    }

    public func value() throws -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let result { return try result.get() }
        let computed = Result { try make() }
        result = computed
        return try computed.get()
    }
}

/// A value shared between a test and `@Sendable` callbacks.
public final class Mutex<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func get() -> Value { lock.withLock { value } }
    public func set(_ newValue: Value) { lock.withLock { value = newValue } }
    /// Reads and changes the value under the lock in one step.
    @discardableResult
    public func update<T>(_ body: (inout Value) throws -> T) rethrows -> T { try lock.withLock { try body(&value) } }
}
