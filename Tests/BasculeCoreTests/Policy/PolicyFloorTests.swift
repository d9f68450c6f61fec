import BasculeCore
import Testing

@Suite("The policy a release is held to")
struct PolicyFloorTests {
    @Test("planning records the policy as the floor, again when planned again")
    func planningRecords() {
        #expect(ReleasePolicy.recordsFloor(movingTo: .planned, floorRecorded: false))
        #expect(ReleasePolicy.recordsFloor(movingTo: .planned, floorRecorded: true))
    }

    @Test("a release that skips planning is held to the policy of its first gate; cancelling records nothing")
    func skippingPlanning() {
        #expect(ReleasePolicy.recordsFloor(movingTo: .ready, floorRecorded: false))
        #expect(!ReleasePolicy.recordsFloor(movingTo: .approved, floorRecorded: true))
        #expect(!ReleasePolicy.recordsFloor(movingTo: .cancelled, floorRecorded: false))
    }
}
