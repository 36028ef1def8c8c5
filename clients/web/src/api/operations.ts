// Every GraphQL operation the app sends; `npm run codegen` types them from schema/graphql.

import { graphql } from '../gql';

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      person
      displayName
      secretariat
      groups
    }
  }
`);

export const GroupsQuery = graphql(`
  query Groups($asOf: String, $atLeast: Position) {
    groups(rootsOnly: true, asOf: $asOf, atLeast: $atLeast) {
      id
      name
      acronym
      kind
      children {
        id
        name
        acronym
        kind
        children {
          id
          name
          acronym
          kind
        }
      }
    }
  }
`);

export const GroupQuery = graphql(`
  query Group($id: String!, $asOf: String, $atLeast: Position) {
    group(id: $id, asOf: $asOf, atLeast: $atLeast) {
      id
      name
      acronym
      kind
      visibility
      establishedOn
      lifetimeMonths
      termsOfReference {
        objectives
        tasks
        deliverables
        lifetimeMonths
      }
      parent {
        id
        name
        acronym
      }
      children {
        id
        name
        acronym
        kind
      }
      leadership {
        person
        displayName
        role
      }
      meetings {
        id
        title
        startsOn
        endsOn
        venue
        remoteParticipation
        contributionDeadline
      }
      deliverables {
        id
        title
        fromTermsOfReference
        drafts {
          version
        }
        approvals {
          version
        }
        transmittals {
          id
          status
        }
      }
    }
  }
`);

export const GroupParticipantsQuery = graphql(`
  query GroupParticipants($id: String!, $asOf: String) {
    group(id: $id, asOf: $asOf) {
      id
      participants {
        person
        displayName
        organisation
        category
        country
        contributionCount
        commentCount
        positionCount
      }
    }
  }
`);

export const MeetingQuery = graphql(`
  query Meeting(
    $id: UUID!
    $asOf: String
    $atLeast: Position
    $late: Boolean
    $status: ContributionStatus
    $agendaItem: String
    $after: String
  ) {
    meeting(id: $id, asOf: $asOf, atLeast: $atLeast) {
      id
      title
      startsOn
      endsOn
      venue
      remoteParticipation
      registrationDeadline
      contributionDeadline
      announcedOn
      noticeWaiver {
        noticeDays
        reason
      }
      agenda {
        id
        title
      }
      group {
        id
        name
        acronym
      }
      contributions(late: $late, status: $status, agendaItem: $agendaItem, first: 50, after: $after) {
        edges {
          node {
            id
            number
            title
            agendaItem
            sourceOrganisations
            authors
            submittedAt
            late
            status
            statusReason
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const ContributionQuery = graphql(`
  query Contribution($id: UUID!, $asOf: String, $atLeast: Position) {
    contribution(id: $id, asOf: $asOf, atLeast: $atLeast) {
      id
      number
      baseNumber
      title
      group {
        id
        name
        acronym
      }
      meeting {
        id
        title
        startsOn
        contributionDeadline
        agenda {
          id
          title
        }
      }
      agendaItem
      sourceOrganisations
      authors
      submittedAt
      late
      status
      statusReason
      document {
        url
        fileName
        size
        mediaType
        sha256
      }
      revisions {
        revision
        number
        title
        note
        at
        late
        document {
          url
          fileName
          size
          sha256
        }
      }
      threads {
        id
        resolved
        resolution
        comments {
          id
          inReplyTo
          author
          postedAt
          text
          retracted
          retractedAt
          edited
          history {
            text
            at
          }
        }
      }
      consensusCalls {
        id
        question
        openedAt
        closesAt
        decisions {
          id
          outcome
          inForce
        }
      }
    }
  }
`);

export const ConsensusCallQuery = graphql(`
  query ConsensusCall($id: UUID!, $asOf: String, $atLeast: Position) {
    consensusCall(id: $id, asOf: $asOf, atLeast: $atLeast) {
      id
      groupId
      question
      openedAt
      closesAt
      subject {
        kind
        id
        version
        agendaItem
      }
      positions {
        participant
        stance
        reason
        statedAt
      }
      positionHistory {
        participant
        stance
        reason
        statedAt
        current
      }
      decisions {
        id
        outcome
        summary
        decidedAt
        inForce
        correctionReason
        objections {
          participant
          reason
          disposition
          note
        }
      }
    }
  }
`);

export const DeliverableQuery = graphql(`
  query Deliverable($id: UUID!, $asOf: String, $atLeast: Position) {
    deliverable(id: $id, asOf: $asOf, atLeast: $atLeast) {
      id
      title
      fromTermsOfReference
      editors
      group {
        id
        name
        acronym
        parent {
          id
          name
          acronym
          meetings {
            id
            title
            startsOn
          }
        }
      }
      drafts {
        version
        number
        note
        publishedAt
        document {
          url
          fileName
          size
          sha256
        }
        buildsOn {
          id
          number
          title
        }
      }
      approvals {
        version
        approvedAt
        decision {
          id
          outcome
          summary
          decidedAt
        }
      }
      transmittals {
        id
        version
        parentMeetingStartsOn
        transmittedAt
        status
        statusNote
      }
      consensusCalls {
        id
        question
        closesAt
        subject {
          version
        }
        decisions {
          id
          outcome
          inForce
        }
      }
    }
  }
`);

export const InboxQuery = graphql(`
  query Inbox($parentGroup: String!, $atLeast: Position) {
    inbox(parentGroup: $parentGroup, atLeast: $atLeast) {
      parentGroup {
        id
        name
        acronym
      }
      until
      transmittals {
        id
        version
        transmittedAt
        parentMeetingStartsOn
        status
        statusNote
        position
        deliverable {
          id
          title
          group {
            id
            name
            acronym
          }
        }
        draft {
          number
          document {
            url
            fileName
            size
            sha256
          }
        }
        approvingDecision {
          id
          outcome
          summary
          decidedAt
          objections {
            participant
            reason
            disposition
            note
          }
        }
        builtOn {
          id
          number
          title
        }
        auditTrail {
          ...AuditEventFields
        }
      }
    }
  }
`);

export const AuditEventFields = graphql(`
  fragment AuditEventFields on AuditEvent {
    id
    type
    schemaVersion
    stream
    revision
    position
    recordedAt
    actor {
      subject
      displayName
      roles
    }
    previousHash
    hash
  }
`);

export const AuditTrailQuery = graphql(`
  query AuditTrail($stream: String!, $asOf: String) {
    auditTrail(stream: $stream, asOf: $asOf) {
      ...AuditEventFields
      payload
    }
  }
`);

export const CommentPostedSubscription = graphql(`
  subscription CommentPosted($subject: UUID) {
    commentPosted(subject: $subject) {
      id
      author
      text
    }
  }
`);

export const PositionStatedSubscription = graphql(`
  subscription PositionStated($call: UUID) {
    positionStated(call: $call) {
      participant
      stance
    }
  }
`);

export const DecisionRecordedSubscription = graphql(`
  subscription DecisionRecorded($subject: UUID, $group: String) {
    decisionRecorded(subject: $subject, group: $group) {
      id
      outcome
    }
  }
`);

export const DeliverableTransmittedSubscription = graphql(`
  subscription DeliverableTransmitted($parentGroup: String) {
    deliverableTransmitted(parentGroup: $parentGroup) {
      id
      deliverable {
        title
      }
    }
  }
`);

export const GroupContributionsQuery = graphql(`
  query GroupContributions($group: String!) {
    contributions(group: $group, first: 100) {
      edges {
        node {
          id
          number
          title
        }
      }
    }
  }
`);
