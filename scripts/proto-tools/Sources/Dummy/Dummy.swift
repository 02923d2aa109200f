// Placeholder so the tool package has a target; see Package.swift.
let dummy = 0
