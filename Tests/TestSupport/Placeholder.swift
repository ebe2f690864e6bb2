/// Test support lives here.
public enum TestSupportPlaceholder {}
